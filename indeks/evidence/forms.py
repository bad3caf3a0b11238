"""Forms of the evidence pages (metadata, upload, link, verification)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from indeks.evidence.models import DocumentType, Verification
from indeks.evidence.services import DocumentMeta
from indeks.registry.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentMetaForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    number = forms.CharField(label=_("Number"), max_length=120, required=False)
    issuer = forms.CharField(label=_("Issuing authority"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("Date of issue"), required=False, widget=DATE)
    effective_on = forms.DateField(label=_("Effective date"), required=False, widget=DATE)
    unit = forms.ModelChoiceField(label=_("Owning unit"), queryset=Unit.objects.none(), required=False)
    is_draft = forms.BooleanField(label=_("Draft, not yet enacted"), required=False)

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).queryset = Unit.objects.filter(agency_id=agency_id)

    def meta(self) -> DocumentMeta:
        data = self.cleaned_data
        return DocumentMeta(
            doc_type=data["doc_type"],
            title=data.get("title") or "",
            number=data.get("number") or "",
            issuer=data.get("issuer") or "",
            issued_on=data.get("issued_on"),
            effective_on=data.get("effective_on"),
            unit=data.get("unit"),
            is_draft=bool(data.get("is_draft")),
        )


class UploadForm(DocumentMetaForm):
    # The form metaclass moves declared fields into base_fields, so this does not shadow BaseForm.files at run time.
    files = forms.FileField(label=_("Files"), widget=MultipleFileInput(), required=False)  # type: ignore[assignment]
    url = forms.CharField(label=_("…or a link (URL)"), max_length=1000, required=False)
    login_note = forms.CharField(
        label=_("Test login for the link (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    locator = forms.CharField(label=_("Where in the document (e.g. Pasal 5, hal. 3)"), max_length=200, required=False)


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New file"), required=False)
    url = forms.CharField(label=_("…or a new link (URL)"), max_length=1000, required=False)
    login_note = forms.CharField(label=_("Test login for the link (optional)"), required=False)


class LinkForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    document = forms.IntegerField(label=_("Document"), required=False)
    locator = forms.CharField(label=_("Where in the document (e.g. Pasal 5, hal. 3)"), max_length=200, required=False)


class VerifyForm(forms.Form):
    status = forms.ChoiceField(label=_("Verification"), choices=Verification.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
