"""The external assessor's pages: queue, stage worklist, scoring with clarifications, interviews, notes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from indeks.assessment.selectors import previous_year
from indeks.errors import ActionRefused, EditConflict
from indeks.external import services
from indeks.external.models import AspectNote, Interview, Recommendation
from indeks.external.selectors import (
    assessor_queue,
    clarifications,
    get_assessed,
    levels_by_stage,
    side_by_side,
    stage_indices,
    visible_stages,
)
from indeks.posted import posted_int, posted_moment
from indeks.registry.access import actor_of
from indeks.rounds.models import StageChoice
from indeks.rounds.services import effective_window, stage_state

STAGES = {s.value for s in services.EXTERNAL_STAGES}


def _version(raw: str | None) -> int | None:
    """The version the form was opened at (none for a new answer); a tampered one is refused, not a 500."""
    if not raw:
        return None
    version = posted_int(raw)
    if version is None:
        raise ActionRefused(_("The form could not be read; open the page again."))
    return version


def _stage(participation: Any, stage: str) -> str:
    if stage not in STAGES or not services.stage_applies(participation, stage):
        raise Http404
    return stage


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.assessed and not actor.is_national_admin:
        raise PermissionDenied
    rows = assessor_queue(actor)
    return render(request, "external/queue.html", {"rows": rows, "total": len(rows)})


@login_required
def worklist(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    actor = actor_of(request)
    participation = get_assessed(actor, pk)
    stage = _stage(participation, stage)
    framework = participation.round.framework
    by_stage = levels_by_stage(participation)
    stages = visible_stages(actor, participation)
    upto = stages[: stages.index(stage) + 1]
    asked = {c.indicator for c in clarifications(participation) if c.stage == stage}
    rows = []
    for indicator in framework.indicators:
        cells = side_by_side(participation, indicator.number, upto, by_stage)
        rows.append(
            {
                "indicator": indicator,
                "cells": cells,
                "here": cells[-1].carried_from is None and cells[-1].answer,
                "asked": indicator.number in asked,
            }
        )
    interview = Interview.objects.filter(participation=participation, stage=stage).first()
    if request.method == "POST" and stage in (StageChoice.INTERVIU, StageChoice.VISITASI):
        when = posted_moment(request.POST.get("scheduled_at", ""))
        try:
            if when is None:
                raise ActionRefused(_("Give the date and time."))
            services.schedule_interview(
                actor, participation, stage, when, request.POST.get("participants", ""), request.POST.get("notes", "")
            )
            messages.success(request, _("Schedule saved."))
        except ActionRefused as error:
            messages.error(request, error.message)
        return redirect("external:worklist", pk, stage)
    _opens, closes = effective_window(participation, stage)
    return render(
        request,
        "external/worklist.html",
        {
            "p": participation,
            "stage": stage,
            "stage_label": StageChoice(stage).label,
            "rows": rows,
            "stages": [StageChoice(s).label for s in upto],
            "interview": interview,
            "indices": stage_indices(participation, upto, by_stage),
            "closes": closes,
            "state": stage_state(participation, stage),
            "scored": sum(1 for r in rows if r["here"]),
            "total": len(rows),
        },
    )


@login_required
def score_page(request: HttpRequest, pk: int, stage: str, number: int) -> HttpResponse:
    actor = actor_of(request)
    participation = get_assessed(actor, pk)
    stage = _stage(participation, stage)
    framework = participation.round.framework
    if not framework.has_indicator(number):
        raise Http404
    by_stage = levels_by_stage(participation)
    current = by_stage.get(stage, {}).get(number)
    numbers = [i.number for i in framework.indicators]
    next_number = next((n for n in numbers if n > number), None)
    context: dict[str, Any] = {}
    if request.method == "POST" and "question" in request.POST:
        try:
            services.ask(actor, participation, number, stage, request.POST["question"])
            messages.success(request, _("Clarification request sent to the agency."))
        except ActionRefused as error:
            messages.error(request, error.message)
        return redirect("external:score", pk, stage, number)
    if request.method == "POST":
        level = posted_int(request.POST.get("level", ""))
        try:
            version = _version(request.POST.get("version"))
            if level is None:
                raise ActionRefused(_("Choose a level."))
            services.score(
                actor,
                participation,
                number,
                stage,
                level=level,
                fakta=request.POST.get("fakta", ""),
                analisis=request.POST.get("analisis", ""),
                justifikasi=request.POST.get("justifikasi", ""),
                version=version,
            )
        except EditConflict as conflict:
            context["conflict"] = conflict
            current = conflict.current
        except ActionRefused as error:
            context["refused"] = error.message
            context["posted"] = request.POST
        else:
            messages.success(request, _("Indicator %(n)s scored.") % {"n": number})
            if "next" in request.POST and next_number:
                return redirect("external:score", pk, stage, next_number)
            return redirect("external:score", pk, stage, number)
    stages = visible_stages(actor, participation)
    cells = side_by_side(participation, number, stages[: stages.index(stage) + 1], by_stage)
    carried = cells[-2].answer if len(cells) > 1 else None
    previous = previous_year(participation)
    posted = context.get("posted")
    source: Any = posted if posted is not None else current
    values = {
        key: (posted.get(key, "") if posted is not None else getattr(current, key, "") or "")
        for key in ("fakta", "analisis", "justifikasi")
    }
    chosen = posted.get("level") if posted is not None else getattr(source, "level", None)
    if chosen in (None, "") and carried is not None:
        chosen = carried.level
    values["level"] = str(chosen) if chosen not in (None, "") else ""
    context.update(
        {
            "values": values,
            "p": participation,
            "stage": stage,
            "stage_label": StageChoice(stage).label,
            "framework": framework,
            "indicator": framework.indicator(number),
            "ladder": framework.ladder_of(number),
            "current": current,
            "carried": carried,
            "cells": cells,
            "mandiri": by_stage.get(StageChoice.MANDIRI, {}).get(number),
            "thread": clarifications(participation, number),
            "next_number": next_number,
            "previous_level": previous.result.levels.get(number) if previous else None,
            "previous_round": previous.participation.round.name if previous else "",
        }
    )
    status = 409 if "conflict" in context else 400 if "refused" in context else 200
    return render(request, "external/score.html", context, status=status)


@login_required
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    """Strengths and weaknesses per aspect (pre-filled from the levels) and the general recommendation."""
    actor = actor_of(request)
    participation = get_assessed(actor, pk)
    if not actor.assesses(participation.agency_id, participation.round_id):
        raise PermissionDenied
    framework = participation.round.framework
    if request.method == "POST":
        try:
            version = _version(request.POST.get("version"))
            if request.POST.get("aspect"):
                services.save_aspect_note(
                    actor,
                    participation,
                    request.POST["aspect"],
                    request.POST.get("strengths", ""),
                    request.POST.get("weaknesses", ""),
                    version,
                )
            else:
                fields = {k: request.POST.get(k, "") for k in ("summary", "strengths", "weaknesses", "advice")}
                services.save_recommendation(actor, participation, fields, version)
            messages.success(request, _("Saved."))
        except ActionRefused as error:
            messages.error(request, error.message)
        return redirect("external:notes", pk)
    by_stage = levels_by_stage(participation)
    stages = visible_stages(actor, participation)
    latest = stage_indices(participation, stages, by_stage)[-1].result
    prefill = services.prefilled_notes(latest.levels, framework)
    saved = {n.aspect: n for n in AspectNote.objects.filter(participation=participation)}
    aspects = [
        {
            "aspect": a,
            "note": saved.get(a.code),
            "prefill": prefill[a.code],
            "value": next(v for v in latest.aspects if v.code == a.code),
        }
        for a in framework.aspects
    ]
    return render(
        request,
        "external/notes.html",
        {
            "p": participation,
            "aspects": aspects,
            "recommendation": Recommendation.objects.filter(participation=participation).first(),
        },
    )
