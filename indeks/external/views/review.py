"""The review team's pages: agencies to review and the Valid / Tidak Valid decision per indicator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from indeks.errors import ActionRefused
from indeks.external import services
from indeks.external.selectors import get_assessed, levels_by_stage, reviews, side_by_side, visible_stages
from indeks.posted import posted_int
from indeks.registry.access import actor_of
from indeks.rounds.models import Participation, ParticipationStatus, StageChoice


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_reviewer and not actor.is_national_admin:
        raise PermissionDenied
    participations = (
        Participation.objects.filter(status=ParticipationStatus.SUBMITTED, round__windows__stage=StageChoice.REVIU)
        .select_related("round", "agency")
        .order_by("-round__year", "agency__name")
        .distinct()[:500]
    )
    return render(request, "external/review_list.html", {"participations": participations})


@login_required
def review_agency(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_reviewer and not actor.is_national_admin:
        raise PermissionDenied
    participation = get_assessed(actor, pk)
    if request.method == "POST":
        if not actor.is_reviewer:
            raise PermissionDenied
        try:
            number = posted_int(request.POST.get("indicator"))
            if number is None:
                raise ActionRefused(_("The form could not be read; open the page again."))
            services.review(
                actor,
                participation,
                number,
                valid=request.POST.get("decision") == "valid",
                reason=request.POST.get("reason", ""),
                level=posted_int(request.POST.get("level", "")),
            )
            messages.success(request, _("Indicator %(n)s reviewed.") % {"n": number})
        except ActionRefused as error:
            messages.error(request, error.message)
        return redirect("external:review_agency", pk)
    framework = participation.round.framework
    by_stage = levels_by_stage(participation)
    stages = [s for s in visible_stages(actor, participation) if s != StageChoice.REVIU]
    decisions = reviews(participation)
    rows = []
    for indicator in framework.indicators:
        cells = side_by_side(participation, indicator.number, stages, by_stage)
        rows.append(
            {
                "indicator": indicator,
                "external": cells[-1],
                "mandiri": cells[0],
                "decision": decisions.get(indicator.number),
                "ladder": framework.ladder_of(indicator),
            }
        )
    return render(
        request,
        "external/review_agency.html",
        {
            "p": participation,
            "rows": rows,
            "done": len(decisions),
            "total": len(rows),
            "can_decide": actor.is_reviewer,
        },
    )
