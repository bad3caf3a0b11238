"""Submission: completeness check, the documents to sign, signed scans back, and the lock."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks import files
from indeks.assessment import services
from indeks.assessment.documents import render_pdf
from indeks.assessment.forms import SignedUploadForm
from indeks.assessment.models import SignedDocument, SignedDocumentKind
from indeks.assessment.views.common import participation_view, refuse
from indeks.errors import ActionRefused
from indeks.registry.access import Action, Actor
from indeks.rounds.models import Participation, ParticipationStatus


def _can_see(actor: Actor, participation: Participation) -> bool:
    """Who may read the submission page, the documents to sign and the signed scans (the same people)."""
    return (
        actor.is_national_admin
        or actor.can(Action.SUBMIT_AGENCY, participation.agency_id)
        or actor.can(Action.UPLOAD_SIGNED, participation.agency_id)
    )


@participation_view
def submission(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    if not _can_see(actor, participation):
        raise PermissionDenied
    signed = {d.kind: d for d in SignedDocument.objects.filter(participation=participation)}
    problems = (
        services.submission_problems(participation) if participation.status == ParticipationStatus.MANDIRI else []
    )
    return render(
        request,
        "assessment/submission.html",
        {
            "p": participation,
            "problems": problems,
            "signed": signed,
            "kinds": SignedDocumentKind.choices,
            "upload_form": SignedUploadForm(),
            "can_prepare": actor.can(Action.SUBMIT_AGENCY, participation.agency_id),
            "can_upload": actor.can(Action.UPLOAD_SIGNED, participation.agency_id),
        },
    )


@require_POST
@participation_view
def submission_action(request: HttpRequest, actor: Actor, participation: Participation, action: str) -> HttpResponse:
    try:
        if action == "prepare":
            services.prepare_submission(actor, participation)
            messages.success(request, _("Answers are frozen. Print, sign and upload both documents."))
        elif action == "cancel":
            services.cancel_signing(actor, participation)
            messages.success(request, _("The self-assessment is open again."))
        elif action in SignedDocumentKind.values:
            form = SignedUploadForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ActionRefused(_("Choose the signed scan to upload."))
            services.upload_signed(actor, participation, action, form.cleaned_data["file"])
            messages.success(request, _("Signed scan received."))
        else:
            raise Http404
    except ActionRefused as error:
        refuse(request, error)
    return redirect("assessment:submission", participation.pk)


@participation_view
def document_pdf(request: HttpRequest, actor: Actor, participation: Participation, kind: str) -> HttpResponse:
    """The generated document to sign (available once the answers are frozen)."""
    if kind not in SignedDocumentKind.values:
        raise Http404
    if not _can_see(actor, participation):
        raise PermissionDenied
    if participation.status == ParticipationStatus.MANDIRI:
        messages.error(request, _("Freeze the answers first; the documents show the frozen result."))
        return redirect("assessment:submission", participation.pk)
    response = HttpResponse(render_pdf(participation, kind), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{participation.agency.code}.pdf"'
    return response


@participation_view
def signed_download(request: HttpRequest, actor: Actor, participation: Participation, kind: str) -> HttpResponseBase:
    """A signed scan, through the permission check (media is never public).

    Its Content-Type comes from its first bytes, never from the name it was uploaded under, and the browser is told
    not to guess (``nosniff``) and to save it (attachment); the name's extension follows the content.
    """
    if not _can_see(actor, participation):
        raise PermissionDenied
    document = SignedDocument.objects.filter(participation=participation, kind=kind).first()
    if document is None:
        raise Http404
    problem = files.check(document.file.name, document.sha256, document.size)
    if problem:  # never served; flagged for the national admin (indeks.files, docs/evidence.md)
        services.flag_signed_damaged(actor, document, problem)
        message = _(
            "The stored scan is missing or no longer matches the SHA-256 recorded at upload, so it is not served. "
            "The national administrator has been notified."
        )
        return render(
            request, "web/error.html", {"title": _("File failed its integrity check"), "message": message}, status=409
        )
    services.mark_signed_whole(document)
    stored = document.file.open("rb")
    found = services.scan_type(stored.read(16))
    stored.seek(0)
    content_type, extension = found or ("application/octet-stream", "bin")
    stem = document.original_name.rsplit(".", 1)[0] if "." in document.original_name else document.original_name
    response = FileResponse(
        stored, as_attachment=True, filename=f"{stem or kind}.{extension}", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SHA256"] = document.sha256
    return response
