"""Forms of the national admin's round pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from indeks.core.loader import builtin_ids
from indeks.posted import validate_moment
from indeks.registry.models import Agency, AgencyKind
from indeks.rounds.models import ActivityType, StageChoice

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2018, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200)
    framework_id = forms.ChoiceField(label=_("Framework"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["framework_id"]).choices = [(f, f) for f in builtin_ids()]
        for stage in StageChoice:
            self.fields[f"{stage.value}_opens"] = forms.DateTimeField(
                label=_("%(stage)s opens") % {"stage": stage.label},
                required=False,
                widget=DATETIME,
                validators=[validate_moment],
            )
            self.fields[f"{stage.value}_closes"] = forms.DateTimeField(
                label=_("%(stage)s closes") % {"stage": stage.label},
                required=False,
                widget=DATETIME,
                validators=[validate_moment],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        windows = {}
        for stage in StageChoice:
            opens, closes = data.get(f"{stage.value}_opens"), data.get(f"{stage.value}_closes")
            if bool(opens) != bool(closes):
                self.add_error(f"{stage.value}_closes", _("Give both the opening and the closing time, or neither."))
            elif opens and closes:
                if closes <= opens:
                    self.add_error(f"{stage.value}_closes", _("The window must close after it opens."))
                windows[stage.value] = (opens, closes)
        if not windows.get(StageChoice.MANDIRI.value) and not self.errors:
            self.add_error(f"{StageChoice.MANDIRI.value}_opens", _("The self-assessment window is required."))
        data["windows"] = windows
        return data


class EnrolForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"), choices=ActivityType.choices)
    kinds = forms.MultipleChoiceField(
        label=_("Agency types"), choices=AgencyKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    province = forms.ModelChoiceField(
        label=_("Only in province"), queryset=Agency.objects.filter(kind=AgencyKind.PROVINSI), required=False
    )
    codes = forms.FileField(
        label=_("Or a file of agency codes (one per line, or a CSV with a 'code' column)"), required=False
    )


class ExtensionForm(forms.Form):
    agency = forms.CharField(label=_("Agency code"), max_length=32)
    stage = forms.ChoiceField(label=_("Stage"), choices=StageChoice.choices)
    closes = forms.DateTimeField(label=_("New closing time"), widget=DATETIME, validators=[validate_moment])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
