"""One document: metadata, versions, where it is used, indicator suggestions; edit, new version, delete, download."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks import files
from indeks.assessment.services import indicator_units
from indeks.errors import ActionRefused
from indeks.evidence import access, selectors, services, storage, textmatch
from indeks.evidence.forms import DocumentMetaForm, VersionForm
from indeks.evidence.uploads import limit_upload_size
from indeks.evidence.views.common import evidence_view, integrity_error, refuse, too_large
from indeks.registry.access import Actor


def _meta_initial(document: object) -> dict[str, object]:
    names = ("doc_type", "title", "number", "issuer", "issued_on", "effective_on", "unit", "is_draft")
    return {name: getattr(document, name) for name in names}


@evidence_view
def document_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = selectors.get_document(actor, pk)
    versions = list(document.versions.select_related("blob", "uploaded_by").order_by("-number"))
    latest = versions[0] if versions else None
    participations = selectors.open_participations(document.agency_id)
    target = next((p for p in participations if str(p.pk) == request.GET.get("p")), None) or (
        participations[0] if participations else None
    )
    suggestions = []
    if latest is not None and target is not None:
        text = selectors.document_text(latest)
        for suggestion in textmatch.suggest(target.round.framework, document.title, text):
            units = indicator_units(target, suggestion.indicator)
            suggestions.append((suggestion, access.can_link(actor, target.agency_id, units)))
    return render(
        request,
        "evidence/document.html",
        {
            "document": document,
            "versions": versions,
            "latest": latest,
            "usages": selectors.usages(document),
            "can_change": access.can_change(actor, document),
            "meta_form": DocumentMetaForm(initial=_meta_initial(document), agency_id=document.agency_id),
            "version_form": VersionForm(),
            "target": target,
            "participations": participations,
            "suggestions": suggestions,
        },
    )


@require_POST
@evidence_view
def edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = selectors.get_document(actor, pk)
    form = DocumentMetaForm(request.POST, agency_id=document.agency_id)
    try:
        if not form.is_valid():
            raise ActionRefused(_("Check the document's details."), problems=[str(e) for e in form.errors.values()])
        services.update_metadata(actor, document, form.meta())
        messages.success(request, _("Document details saved."))
    except ActionRefused as error:
        refuse(request, error)
    return redirect("evidence:document", document.pk)


@require_POST
@limit_upload_size
@evidence_view
def new_version(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = selectors.get_document(actor, pk)
    form = VersionForm(request.POST)
    form.is_valid()
    try:
        refused = too_large(request)
        if refused:
            raise refused
        upload = request.FILES.get("file")
        url = form.cleaned_data.get("url") or ""
        if upload is None and not url:
            raise ActionRefused(_("Choose a file or enter a link."))
        version = services.add_version(actor, document, upload, url, form.cleaned_data.get("login_note") or "")
        messages.success(request, _("Version %(n)s added.") % {"n": version.number})
    except ActionRefused as error:
        refuse(request, error)
    return redirect("evidence:document", document.pk)


@require_POST
@evidence_view
def delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = selectors.get_document(actor, pk)
    try:
        services.delete_document(actor, document)
        messages.success(request, _("Document “%(title)s” removed.") % {"title": document.title})
        return redirect("evidence:library", document.agency_id)
    except ActionRefused as error:
        refuse(request, error)
    return redirect("evidence:document", document.pk)


@evidence_view
def download(request: HttpRequest, actor: Actor, pk: int) -> HttpResponseBase:
    """The stored file, after its size and SHA-256 are re-verified.

    A damaged file is never served: the page says so (409), the file is flagged for the national admin and the
    attempt is audited.
    """
    version = selectors.get_version(actor, pk)
    if version.blob is None:
        return redirect(version.url)
    blob = version.blob
    problem = files.check(blob.name, blob.sha256, blob.size)
    if problem:
        services.record_integrity_failure(actor, version, problem)
        return integrity_error(request, [(version, blob)])
    services.mark_whole(blob)
    kind = storage.KINDS.get(blob.kind)
    response = FileResponse(
        storage.open_stored(blob.name),
        as_attachment=True,
        filename=storage.clean_name(version.original_name),
        content_type=kind.mime if kind else "application/octet-stream",
    )
    response["X-Content-SHA256"] = blob.sha256
    return response
