"""Finalisation and publication (national admin): freeze the final levels as a revision, then publish it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indeks.errors import ActionRefused
from indeks.posted import posted_int, posted_ints
from indeks.registry.access import Action, actor_of
from indeks.results import services as results
from indeks.results.models import Snapshot
from indeks.rounds.models import Round


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
                snapshot = get_object_or_404(Snapshot, round=round_, pk=posted_int(request.POST.get("snapshot")) or 0)
                results.publish(actor, snapshot)
                messages.success(request, _("Revision %(n)s published.") % {"n": snapshot.revision})
        except ActionRefused as error:
            messages.error(request, error.message)
            for problem in error.problems[:50]:
                messages.warning(request, problem)
        return redirect("results:finalisation", round_.pk)
    return render(
        request,
        "results/finalisation.html",
        {
            "round": round_,
            "waiting": results.unreviewed(round_),
            "snapshots": Snapshot.objects.filter(round=round_).order_by("-revision"),
        },
    )
