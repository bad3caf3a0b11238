"""The national admin's pages for the external assessment: assessors, visits, releases, finalisation."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indeks.errors import ActionRefused
from indeks.external import services
from indeks.external.models import StageRelease
from indeks.registry.access import Action
from indeks.results import services as results
from indeks.results.models import Snapshot
from indeks.rounds.models import AssessorAssignment, ConflictOfInterest, Participation, Round, StageChoice
from indeks.web.context import actor_of
from indeks.web.parse import posted_int, posted_ints
from indeks.web.text import text_problem


def _rows(upload: object) -> list[tuple[int, str, str]]:
    text = upload.read().decode("utf-8-sig")  # type: ignore[attr-defined]
    problem = text_problem(getattr(upload, "name", ""), text)  # a NUL in a name was a 500 on PostgreSQL
    if problem:
        raise ActionRefused(problem)
    reader = csv.reader(io.StringIO(text))
    rows = [r for r in reader]
    start = 1 if rows and [c.strip().lower() for c in rows[0]][:2] == ["assessor", "agency"] else 0
    # A line with a missing column is a bad line (refused with the others), never silently skipped.
    return [
        (k + 1, r[0].strip(), (r[1] if len(r) > 1 else "").strip())
        for k, r in enumerate(rows)
        if k >= start and any(c.strip() for c in r)
    ]


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
            if action == "upload" and request.FILES.get("file"):
                try:
                    rows = _rows(request.FILES["file"])
                except UnicodeDecodeError as error:
                    raise ActionRefused(_("The file is not UTF-8 text.")) from error
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


@login_required
def finalisation(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.can(Action.MANAGE_ROUNDS):
        raise PermissionDenied
    round_ = get_object_or_404(Round, pk=round_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "finalise":
                excluded = posted_ints(request.POST.getlist("exclude"))
                snapshot = results.finalise(actor, round_, excluded=excluded, note=request.POST.get("note", ""))
                messages.success(request, _("Revision %(n)s finalised.") % {"n": snapshot.revision})
            elif request.POST.get("action") == "publish":
                snapshot = get_object_or_404(Snapshot, round=round_, pk=_id(request.POST.get("snapshot")))
                results.publish(actor, snapshot)
                messages.success(request, _("Revision %(n)s published.") % {"n": snapshot.revision})
        except ActionRefused as error:
            messages.error(request, error.message)
            for problem in error.problems[:50]:
                messages.warning(request, problem)
        return redirect("external:finalisation", round_.pk)
    return render(
        request,
        "external/finalisation.html",
        {
            "round": round_,
            "waiting": results.unreviewed(round_),
            "snapshots": Snapshot.objects.filter(round=round_).order_by("-revision"),
        },
    )
