"""Forms of the planner pages."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from indeks.core.bounded import Limits, NumberRefused, small_decimal
from indeks.core.framework import Framework
from indeks.core.numbers import parse_exact
from indeks.core.tables import TableError, read_costs, read_costs_json
from indeks.planning.selectors import BASELINES, Peer

MAX_FILE_PROBLEMS = 20  # lines of a refused costs file shown on the page
# A target is an index (one digit before the point); another agency's index may be written with 15 places.
TARGET_LIMITS = Limits(max_integer_digits=2, max_decimal_places=15)

TARGET_KINDS = [("predicate", _("a predicate")), ("value", _("an index value")), ("peer", _("another agency's index"))]


class PlanForm(forms.Form):
    target_kind = forms.ChoiceField(label=_("Target"), choices=TARGET_KINDS, widget=forms.RadioSelect)
    predicate = forms.ChoiceField(label=_("Predicate"), required=False)
    value = forms.CharField(label=_("Index value"), required=False, max_length=12)
    peer = forms.ChoiceField(label=_("Agency"), required=False)
    baseline = forms.ChoiceField(
        label=_("Start from"),
        choices=[("current", _("this round's latest levels")), ("previous", _("last round's result"))],
    )
    max_step = forms.TypedChoiceField(
        label=_("At most this many levels up per indicator"),
        choices=[("", _("no limit")), ("1", "1"), ("2", "2"), ("3", "3")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    locked = forms.TypedMultipleChoiceField(label=_("Do not raise"), coerce=int, required=False)
    costs = forms.FileField(label=_("Costs (CSV/XLSX: indicator, cost[, level])"), required=False)
    costs_json = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, framework: Framework, peers: list[Peer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.peers = {str(p.agency_id): p for p in peers}
        cast(forms.ChoiceField, self.fields["predicate"]).choices = [
            (b.name, b.display_name) for b in framework.spec.predicates[1:]
        ]
        cast(forms.ChoiceField, self.fields["peer"]).choices = [
            (key, f"{p.name} ({float(p.index):.2f})") for key, p in self.peers.items()
        ]
        cast(forms.TypedMultipleChoiceField, self.fields["locked"]).choices = [
            (i.number, f"{i.number}. {i.name}") for i in framework.indicators
        ]
        self.fields["locked"].widget.attrs["size"] = 6

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("target_kind")
        target: Fraction | None = None
        label = ""
        if kind == "predicate":
            band = next((b for b in self.framework.spec.predicates if b.name == data.get("predicate")), None)
            if band is None:
                self.add_error("predicate", _("Choose a predicate."))
            else:
                target, label = band.min, band.display_name
        elif kind == "value":
            raw = (data.get("value") or "").strip().replace(",", ".")
            try:
                target = parse_exact(raw)
            except ValueError:
                self.add_error("value", _("Write the index as a number, e.g. 3,50."))
            else:
                if not self.framework.min_level <= target <= self.framework.max_level:
                    self.add_error(
                        "value",
                        _("The index lies between %(low)s and %(high)s.")
                        % {"low": self.framework.min_level, "high": self.framework.max_level},
                    )
                label = raw
        elif kind == "peer":
            peer = self.peers.get(data.get("peer") or "")
            if peer is None:
                self.add_error("peer", _("Choose an agency."))
            else:
                target, label = peer.index, peer.name
        data["target"], data["target_label"] = target, label
        data["per_indicator"] = self._per_indicator(data)
        return data

    def clean_costs(self) -> Any:
        """An uploaded costs file, read by the bounded reader; its costs are kept in ``self.uploaded_costs``."""
        upload = self.cleaned_data.get("costs")
        self.uploaded_costs: dict[int, Fraction] | None = None
        if not upload:
            return None
        try:
            per_indicator, per_step = read_costs(Path(upload.name or "costs"), self.framework, upload)
        except TableError as error:
            raise forms.ValidationError(error.problems[:MAX_FILE_PROBLEMS]) from error
        if per_step:
            raise forms.ValidationError(
                _("Costs per level are supported by the command line only; give one cost per indicator.")
            )
        self.uploaded_costs = per_indicator
        return upload

    def _per_indicator(self, data: dict[str, Any]) -> dict[int, Fraction]:
        """The costs of this computation: the uploaded file's, else those carried over from the last one."""
        if getattr(self, "uploaded_costs", None) is not None:
            return self.uploaded_costs or {}
        if "costs" in self.errors:
            return {}
        try:
            return read_costs_json(data.get("costs_json") or "", self.framework)
        except TableError as error:
            self.add_error(None, carried_costs_refused(error))
            return {}


def carried_costs_refused(error: TableError) -> str:
    """The message shown when the hidden, carried-over costs cannot be read (they were altered)."""
    return _("The costs carried over from the last computation could not be read (%(problem)s); upload them again.") % {
        "problem": "; ".join(error.problems[:3])
    }


class SavePlanForm(forms.Form):
    """The parameters of a computed plan, posted back (hidden) to keep it: each is checked as strictly as on entry."""

    target = forms.CharField(max_length=20)
    target_label = forms.CharField(max_length=200, required=False)
    baseline = forms.ChoiceField(choices=[(b, b) for b in BASELINES])
    max_step = forms.TypedChoiceField(
        choices=[("", ""), ("1", "1"), ("2", "2"), ("3", "3")], coerce=int, empty_value=None, required=False
    )
    locked = forms.CharField(required=False, max_length=1000)
    costs_json = forms.CharField(required=False)

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.framework = framework

    def clean_target(self) -> Fraction:
        try:
            target = Fraction(small_decimal(self.cleaned_data["target"], TARGET_LIMITS))
        except NumberRefused as refused:
            raise forms.ValidationError(_("The target is not a number (%(reason)s).") % {"reason": refused}) from None
        if not self.framework.min_level <= target <= self.framework.max_level:
            raise forms.ValidationError(
                _("The index lies between %(low)s and %(high)s.")
                % {"low": self.framework.min_level, "high": self.framework.max_level}
            )
        return target

    def clean_locked(self) -> list[int]:
        numbers: list[int] = []
        for part in filter(None, self.cleaned_data["locked"].split(",")):
            if not (part.isascii() and part.isdigit() and len(part) <= 6 and self.framework.has_indicator(int(part))):
                raise forms.ValidationError(
                    _("Indicator %(n)s is not in the framework.") % {"n": part[:20]}, code="unknown"
                )
            numbers.append(int(part))
        return sorted(set(numbers))

    def clean_costs_json(self) -> dict[int, Fraction]:
        try:
            return read_costs_json(self.cleaned_data["costs_json"], self.framework)
        except TableError as error:
            raise forms.ValidationError(carried_costs_refused(error)) from None
