"""Evidence of one indicator: link, unlink, upload-and-link, verify, and its ZIP."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks.errors import ActionRefused
from indeks.evidence import bundle, search, selectors, services
from indeks.evidence.forms import LinkForm, UploadForm, VerifyForm
from indeks.evidence.models import DocumentVersion
from indeks.evidence.uploads import limit_upload_size
from indeks.evidence.views.common import evidence_view, refuse
from indeks.evidence.views.library import upload_from_form, zip_response
from indeks.posted import posted_int
from indeks.registry.access import Actor


def _back(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    target = request.POST.get("next", "")
    if target == "report":
        return redirect("evidence:report", pk)
    document_id = posted_int(target[9:]) if target.startswith("document:") else None
    if document_id is not None:
        return redirect("evidence:document", document_id)
    return redirect("assessment:indicator", pk, number)


def _check_number(participation: object, number: int) -> None:
    if not participation.round.framework.has_indicator(number):  # type: ignore[attr-defined]
        raise Http404


@evidence_view
def add(request: HttpRequest, actor: Actor, pk: int, number: int) -> HttpResponse:
    """Add evidence to an indicator: pick one of the agency's documents, or upload new ones."""
    participation = selectors.get_participation(actor, pk)
    _check_number(participation, number)
    try:
        services.check_can_link(actor, participation, number)
    except ActionRefused as error:
        refuse(request, error)
        return redirect("assessment:indicator", participation.pk, number)
    query = request.GET.get("q", "").strip()[:200]
    documents = selectors.agency_documents(participation.agency_id)
    if query:
        documents = documents.filter(
            pk__in=[d.pk for d in search.search_metadata({participation.agency_id}, query, 200)]
        )
    linked = set(selectors.live_links(participation, number).values_list("version_id", flat=True))
    return render(
        request,
        "evidence/add.html",
        {
            "p": participation,
            "indicator": participation.round.framework.indicator(number),
            "documents": documents[:200],
            "linked": linked,
            "query": query,
            "link_form": LinkForm(),
            "upload_form": UploadForm(agency_id=participation.agency_id),
        },
    )


@require_POST
@evidence_view
def link(request: HttpRequest, actor: Actor, pk: int, number: int) -> HttpResponse:
    """Link an existing document's version (the latest, or the one posted) to the indicator."""
    participation = selectors.get_participation(actor, pk)
    _check_number(participation, number)
    form = LinkForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionRefused(_("Choose a document."))
        version = None
        if form.cleaned_data["version"]:
            version = DocumentVersion.objects.select_related("document").filter(pk=form.cleaned_data["version"]).first()
        elif form.cleaned_data["document"]:
            version = (
                DocumentVersion.objects.select_related("document")
                .filter(document_id=form.cleaned_data["document"])
                .order_by("-number")
                .first()
            )
        if version is None or version.document.agency_id != participation.agency_id:
            raise ActionRefused(_("Choose a document of this agency."))
        services.link(actor, participation, number, version, form.cleaned_data["locator"] or "")
        messages.success(request, _("Evidence linked to indicator %(n)s.") % {"n": number})
    except ActionRefused as error:
        refuse(request, error)
    return _back(request, participation.pk, number)


@require_POST
@limit_upload_size
@evidence_view
def upload_and_link(request: HttpRequest, actor: Actor, pk: int, number: int) -> HttpResponse:
    """Upload new documents (or register a link) and link them to the indicator in one step."""
    participation = selectors.get_participation(actor, pk)
    _check_number(participation, number)
    try:
        # Check the right to link first: nothing is uploaded for someone who could not then link it.
        services.check_can_link(actor, participation, number)
        versions = upload_from_form(request, actor, participation.agency)
        form = UploadForm(request.POST, agency_id=participation.agency_id)
        locator = form.cleaned_data.get("locator", "") if form.is_valid() else ""
        for version in versions:
            services.link(actor, participation, number, version, locator)
        messages.success(request, _("%(n)s document(s) added and linked.") % {"n": len(versions)})
    except ActionRefused as error:
        refuse(request, error)
    return _back(request, participation.pk, number)


@require_POST
@evidence_view
def unlink(request: HttpRequest, actor: Actor, link_id: int) -> HttpResponse:
    found = selectors.get_link(actor, link_id)
    try:
        services.unlink(actor, found)
        messages.success(request, _("Evidence unlinked from indicator %(n)s.") % {"n": found.indicator})
    except ActionRefused as error:
        refuse(request, error)
    return _back(request, found.participation_id, found.indicator)


@require_POST
@evidence_view
def verify(request: HttpRequest, actor: Actor, link_id: int) -> HttpResponse:
    found = selectors.get_link(actor, link_id)
    form = VerifyForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionRefused(_("Choose a verification status."))
        services.verify_link(actor, found, form.cleaned_data["status"], form.cleaned_data["note"])
        messages.success(request, _("Verification saved."))
    except ActionRefused as error:
        refuse(request, error)
    return redirect("evidence:report", found.participation_id)


@evidence_view
def indicator_zip(request: HttpRequest, actor: Actor, pk: int, number: int) -> HttpResponseBase:
    participation = selectors.get_participation(actor, pk)
    _check_number(participation, number)
    links = list(selectors.live_links(participation, number).select_related("participation__round"))
    versions = list({found.version_id: found.version for found in links}.values())
    filename = f"bukti-dukung-{participation.agency.code}-{participation.round.year}-{number}.zip"
    return zip_response(request, actor, bundle.entries_for(versions, links), filename)
