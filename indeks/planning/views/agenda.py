"""The national improvement agenda: which indicators would lift the most agencies of a type to a predicate."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from indeks.assessment.selectors import round_levels
from indeks.core.engine import compute
from indeks.core.planner import national_agenda
from indeks.registry.access import Action, actor_of
from indeks.registry.models import AgencyKind
from indeks.rounds.models import Participation, Round


@login_required
def agenda(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.can(Action.MANAGE_ROUNDS):
        raise PermissionDenied
    round_ = get_object_or_404(Round, pk=round_id)
    framework = round_.framework
    bands = framework.spec.predicates
    kind = request.GET.get("kind", AgencyKind.KABUPATEN)
    kind = kind if kind in AgencyKind.values else AgencyKind.KABUPATEN
    band = next((b for b in bands if b.name == request.GET.get("predicate")), bands[2 if len(bands) > 2 else -1])
    raw_step = request.GET.get("max_step", "1")
    max_step = int(raw_step) if raw_step in {"1", "2", "3"} else None
    ids = list(Participation.objects.filter(round=round_, agency__kind=kind).values_list("pk", flat=True))
    levels = [lv for lv in round_levels(ids).values() if lv]
    result = national_agenda(
        framework, (compute(framework, lv, allow_missing=True).levels for lv in levels), band.min, max_step=max_step
    )
    rows = [(item, framework.indicator(item.indicator)) for item in result.items[:25]]
    return render(
        request,
        "planning/agenda.html",
        {
            "round": round_,
            "kinds": AgencyKind.choices,
            "kind": kind,
            "bands": bands[1:],
            "band": band,
            "max_step": raw_step,
            "agenda": result,
            "rows": rows,
            "chart": {"labels": [str(i.indicator) for i, _ in rows], "values": [i.agencies for i, _ in rows]},
        },
    )
