"""Pages shared by every role: the home page listing the agencies a person works in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indeks.assessment.selectors import visible_participations
from indeks.web.context import actor_of

HOME_LIMIT = 200


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    participations = list(visible_participations(actor).order_by("-round__year", "agency__name")[: HOME_LIMIT + 1])
    roles = {
        agency_id: ", ".join(sorted(str(r.label) for r in roles)) for agency_id, roles in actor.agency_roles.items()
    }
    return render(
        request,
        "web/home.html",
        {
            "participations": participations[:HOME_LIMIT],
            "more": len(participations) > HOME_LIMIT,
            "limit": HOME_LIMIT,
            "roles": roles,
        },
    )
