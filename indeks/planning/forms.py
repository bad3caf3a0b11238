"""Forms of the planner pages."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from indeks.core.framework import Framework
from indeks.core.numbers import parse_exact
from indeks.planning.selectors import Peer

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
        return data
