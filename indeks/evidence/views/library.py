"""The agency's evidence library: list, upload, register a link, search, download all as ZIP."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks import files
from indeks.errors import ActionRefused
from indeks.evidence import access, bundle, search, selectors, services
from indeks.evidence.forms import UploadForm
from indeks.evidence.models import DocumentVersion, EvidenceLink
from indeks.evidence.uploads import limit_upload_size
from indeks.evidence.views.common import evidence_view, integrity_error, refuse, too_large, uploaded_files
from indeks.registry.access import Actor
from indeks.registry.models import Agency


@evidence_view
def library(request: HttpRequest, actor: Actor, agency_id: int) -> HttpResponse:
    agency = selectors.get_agency(actor, agency_id)
    return render(
        request,
        "evidence/library.html",
        {
            "agency": agency,
            "documents": selectors.agency_documents(agency.pk),
            "form": UploadForm(agency_id=agency.pk),
            "can_upload": access.can_upload(actor, agency.pk),
            "participation": selectors.latest_participation(agency.pk),
        },
    )


@require_POST
@limit_upload_size
@evidence_view
def upload(request: HttpRequest, actor: Actor, agency_id: int) -> HttpResponse:
    agency = selectors.get_agency(actor, agency_id)
    try:
        versions = upload_from_form(request, actor, agency)
        messages.success(request, _("%(n)s document(s) added.") % {"n": len(versions)})
    except ActionRefused as error:
        refuse(request, error)
    return redirect("evidence:library", agency.pk)


def upload_from_form(request: HttpRequest, actor: Actor, agency: Agency) -> list[DocumentVersion]:
    """Files or a link from an UploadForm post (shared by the library and the indicator page)."""
    refused = too_large(request)
    if refused:
        raise refused
    form = UploadForm(request.POST, agency_id=agency.pk)
    if not form.is_valid():
        raise ActionRefused(_("Check the document's details."), problems=[str(e) for e in form.errors.values()])
    files = uploaded_files(request, "files")
    if files:
        return services.upload_documents(actor, agency, files, form.meta())
    if form.cleaned_data["url"]:
        meta = form.meta()
        return [services.register_link(actor, agency, form.cleaned_data["url"], form.cleaned_data["login_note"], meta)]
    raise ActionRefused(_("Choose files to upload or enter a link."))


@evidence_view
def search_page(request: HttpRequest, actor: Actor, agency_id: int) -> HttpResponse:
    agency = selectors.get_agency(actor, agency_id)
    query = request.GET.get("q", "").strip()[:200]
    return render(
        request,
        "evidence/search.html",
        {
            "agency": agency,
            "query": query,
            "hits": search.search_text({agency.pk}, query) if query else [],
            "documents": search.search_metadata({agency.pk}, query) if query else [],
        },
    )


@evidence_view
def agency_zip(request: HttpRequest, actor: Actor, agency_id: int) -> HttpResponseBase:
    """Every live document of the agency (latest version, and every version an indicator uses)."""
    agency = selectors.get_agency(actor, agency_id)
    links = list(
        EvidenceLink.objects.filter(version__document__agency=agency, version__document__deleted_at__isnull=True)
        .select_related("participation__round")
        .order_by("participation__round__year", "indicator")
    )
    linked = {found.version_id for found in links}
    versions = []
    for document in selectors.agency_documents(agency.pk).order_by("pk"):
        for k, version in enumerate(document.versions.all()):
            if k == 0 or version.pk in linked:
                version.document = document
                versions.append(version)
    return zip_response(request, actor, bundle.entries_for(versions, links), f"bukti-dukung-{agency.code}.zip")


def zip_response(request: HttpRequest, actor: Actor, entries: list[bundle.Entry], filename: str) -> HttpResponseBase:
    """The streamed ZIP, or the integrity page (409) when a stored file is missing, truncated or flagged damaged.

    Sizes are checked before the first byte (a flagged file is re-hashed: it may have been restored); contents are
    hashed while streaming, and a file that fails then is flagged and the download broken off before its end.
    """
    damaged = []
    for entry in entries:
        blob = entry.version.blob
        if blob is None:
            continue
        if blob.damaged_at is not None:
            problem = files.check(blob.name, blob.sha256, blob.size)
        else:
            problem = files.quick_check(blob.name, blob.size)
        if problem:
            services.record_integrity_failure(actor, entry.version, problem)
            damaged.append((entry.version, blob))
        elif blob.damaged_at is not None:
            services.mark_whole(blob)
    if damaged:
        return integrity_error(request, damaged)
    stream = _flag_when_damaged(actor, entries, bundle.stream_zip(entries))
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _flag_when_damaged(actor: Actor, entries: list[bundle.Entry], stream: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield from stream
    except files.Damaged as error:
        for entry in entries:
            if entry.version.blob is not None and entry.version.blob.name == error.name:
                services.record_integrity_failure(actor, entry.version, error.problem)
                break
        raise
