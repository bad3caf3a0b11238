"""The national admin's pages for the external assessment: assessors, visits, releases."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indeks.core.bounded import TableError, read_table
from indeks.errors import ActionRefused
from indeks.external import services
from indeks.external.models import StageRelease
from indeks.posted import posted_int
from indeks.registry.access import Action, actor_of
from indeks.rounds.models import AssessorAssignment, ConflictOfInterest, Participation, Round, StageChoice


def _rows(upload: UploadedFile) -> list[tuple[int, str, str]]:
    """(line, assessor username, agency code) from the assignments file; :class:`TableError` if it is unusable."""
    # An upload is a binary file object (read, seek, size), which is all the reader asks of it.
    content = cast(BinaryIO, upload)
    rows = read_table(Path(upload.name or "assessors.csv"), content, allow_xlsx=False, encodings=("utf-8-sig",))
    first = [str(c).strip().lower() for c in rows[0][1]][:2]
    start = 1 if first == ["assessor", "agency"] else 0
    # A line with a missing column is a bad line (refused with the others), never silently skipped.
    return [(n, str(r[0]).strip(), (str(r[1]) if len(r) > 1 else "").strip()) for n, r in rows[start:]]


def _id(value: str | None) -> int:
    """A posted primary key; anything but digits is a 404 (never a server error)."""
    number = posted_int(value)
    if number is None:
        raise Http404
    return number


@login_required
def assessors(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.can(Action.MANAGE_ROUNDS):
        raise PermissionDenied
    round_ = get_object_or_404(Round, pk=round_id)
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            upload = request.FILES.get("file")
            if action == "upload" and isinstance(upload, UploadedFile):
                try:
                    rows = _rows(upload)
                except TableError as error:
                    raise ActionRefused(_("The file cannot be read."), problems=error.problems) from error
                count = services.assign_from_rows(actor, round_, rows)
                messages.success(request, _("%(n)s assignments added.") % {"n": count})
            elif action == "balance":
                count = services.balance(actor, round_)
                messages.success(request, _("%(n)s agencies assigned evenly.") % {"n": count})
            elif action == "visit":
                participation = get_object_or_404(
                    Participation, round=round_, pk=_id(request.POST.get("participation"))
                )
                services.set_visit(actor, participation, request.POST.get("with_visit") == "1")
                messages.success(request, _("Site visit decision saved."))
            elif action == "release":
                stage = request.POST.get("stage", "")
                scope = Participation.objects.filter(round=round_)
                if request.POST.get("participation"):
                    scope = scope.filter(pk=_id(request.POST["participation"]))
                count = services.release(actor, list(scope.select_related("agency")), stage)
                messages.success(
                    request,
                    _("%(n)s agencies can now see %(stage)s.")
                    % {"n": count, "stage": StageChoice(stage).label if stage in StageChoice.values else stage},
                )
            else:
                raise ActionRefused(_("Choose a file to upload."))
        except ActionRefused as error:
            messages.error(request, error.message)
            for problem in error.problems[:50]:
                messages.warning(request, problem)
        return redirect("external:assessors", round_.pk)
    assignments = (
        AssessorAssignment.objects.filter(round=round_)
        .select_related("assessor", "agency")
        .order_by("assessor__username", "agency__name")
    )
    participations = Participation.objects.filter(round=round_).select_related("agency").order_by("agency__name")
    released: dict[int, set[str]] = {}
    for pid, stage in StageRelease.objects.filter(participation__round=round_).values_list("participation_id", "stage"):
        released.setdefault(pid, set()).add(stage)
    return render(
        request,
        "external/assessors.html",
        {
            "round": round_,
            "assignments": assignments,
            "participations": participations,
            "conflicts": ConflictOfInterest.objects.select_related("assessor", "agency")[:200],
            "released": released,
            "release_stages": [s for s in StageChoice if s != StageChoice.MANDIRI],
        },
    )
