"""The national admin's list of damaged stored files (evidence and signed scans), and a check run on demand."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indeks import files
from indeks.evidence import selectors
from indeks.evidence.integrity import DEFAULT_OLDER_THAN
from indeks.evidence.models import Blob
from indeks.evidence.views.common import evidence_view
from indeks.registry.access import Actor

PROBLEMS = {
    files.MISSING: gettext_lazy("missing from the storage"),
    files.WRONG_SIZE: gettext_lazy("wrong size (truncated or overwritten)"),
    files.WRONG_HASH: gettext_lazy("content changed (SHA-256 differs)"),
}


@evidence_view
def integrity(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not actor.is_national_admin:
        raise Http404
    if request.method == "POST":
        from indeks.evidence.tasks import check_storage

        check_storage.enqueue(DEFAULT_OLDER_THAN)
        messages.success(
            request,
            _("The check of every stored file was queued; damaged files will appear here once it has run."),
        )
        return redirect("evidence:integrity")
    blobs = selectors.damaged_blobs()
    signed = selectors.damaged_signed()
    return render(
        request,
        "evidence/integrity.html",
        {
            "blobs": [(blob, PROBLEMS.get(blob.damage, blob.damage)) for blob in blobs],
            "signed": [(document, PROBLEMS.get(document.damage, document.damage)) for document in signed],
            "stored": Blob.objects.count(),
            "last_checked": Blob.objects.filter(checked_at__isnull=False).order_by("checked_at").first(),
        },
    )
