"""The agency dashboard: progress, live index, aspects radar, gap to last year, the indicator table."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indeks.assessment.selectors import indicator_rows, live_result, previous_year, progress
from indeks.assessment.views.common import participation_view
from indeks.registry.access import Action, Actor
from indeks.rounds.models import Participation, StageChoice
from indeks.rounds.services import effective_window, stage_state


@participation_view
def dashboard(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    rows = indicator_rows(participation)
    result = live_result(participation, rows)
    previous = previous_year(participation)
    aspects = result.aspects
    chart = {
        "labels": [f"{a.code}. {a.name}" for a in aspects],
        "current": [float(a.value) for a in aspects],
        "previous": [float(a.value) for a in previous.result.aspects] if previous else [],
        "max": participation.round.framework.max_level,
    }
    opens, closes = effective_window(participation, StageChoice.MANDIRI)
    agency_id = participation.agency_id
    context = {
        "p": participation,
        "framework": participation.round.framework,
        "rows": rows,
        "result": result,
        "previous": previous,
        "gap": (result.index.value - previous.result.index.value) if previous else None,
        "progress": progress(rows),
        "chart": chart,
        "window_state": stage_state(participation, StageChoice.MANDIRI),
        "window_opens": opens,
        "window_closes": closes,
        "can_assign": actor.can(Action.ASSIGN_INDICATORS, agency_id),
        "can_general": actor.can(Action.ANSWER_GENERAL, agency_id),
        "can_submit": actor.can(Action.SUBMIT_AGENCY, agency_id) or actor.can(Action.UPLOAD_SIGNED, agency_id),
        "can_prefill": actor.can(Action.PREFILL, agency_id),
    }
    return render(request, "assessment/dashboard.html", context)
