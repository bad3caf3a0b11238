"""Forms of the self-assessment pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from indeks.core.schema import Ladder


class AnswerForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, empty_value=None, required=False)
    fakta = forms.CharField(label=_("Fakta"), widget=forms.Textarea, required=False, max_length=20000)
    analisis = forms.CharField(label=_("Analisis"), widget=forms.Textarea, required=False, max_length=20000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, ladder: Ladder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[int | str, str | Promise]] = [("", _("— choose a level —"))]
        choices += [(rung.level, f"{rung.level} — {rung.name}") for rung in ladder.levels]
        cast(forms.TypedChoiceField, self.fields["level"]).choices = choices


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("What must be revised"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class GeneralAnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SignedUploadForm(forms.Form):
    file = forms.FileField(label=_("Signed scan (PDF, PNG or JPEG)"))
