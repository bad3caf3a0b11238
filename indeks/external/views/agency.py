"""What the agency sees of its external assessment: clarifications to answer, its result per stage, one
indicator across the stages. Only released stages are shown to the agency."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from indeks.assessment.selectors import previous_year
from indeks.assessment.services import indicator_units
from indeks.assessment.views.common import participation_view
from indeks.errors import ActionRefused
from indeks.external import services
from indeks.external.models import Clarification
from indeks.external.selectors import clarifications, levels_by_stage, side_by_side, visible_stages
from indeks.posted import posted_int
from indeks.registry.access import Action, Actor
from indeks.rounds.models import Participation, StageChoice


@participation_view
def agency_clarifications(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    if request.method == "POST":
        item_id = posted_int(request.POST.get("clarification"))
        item = Clarification.objects.filter(participation=participation, pk=item_id).first() if item_id else None
        if item is None:
            raise Http404
        try:
            services.answer_clarification(actor, item, request.POST.get("answer", ""))
            messages.success(request, _("Answer sent to the assessor."))
        except ActionRefused as error:
            messages.error(request, error.message)
        return redirect("external:agency_clarifications", participation.pk)
    items = list(clarifications(participation))
    can_answer = {
        c.pk: actor.can(Action.EDIT_ANSWER, participation.agency_id, indicator_units(participation, c.indicator))
        for c in items
        if c.answered_at is None
    }
    framework = participation.round.framework
    return render(
        request,
        "external/agency_clarifications.html",
        {
            "p": participation,
            "items": [(c, framework.indicator(c.indicator)) for c in items],
            "can_answer": can_answer,
        },
    )


@participation_view
def stages_view(request: HttpRequest, actor: Actor, participation: Participation, number: int) -> HttpResponse:
    """One indicator across the stages (mandiri → dokumen → interviu → visitasi → reviu → final) and last year."""
    framework = participation.round.framework
    if not framework.has_indicator(number):
        raise Http404
    stages = visible_stages(actor, participation)
    if not stages:
        raise PermissionDenied
    by_stage = levels_by_stage(participation)
    cells = side_by_side(participation, number, stages, by_stage)
    previous = previous_year(participation)
    return render(
        request,
        "external/stages.html",
        {
            "p": participation,
            "indicator": framework.indicator(number),
            "cells": cells,
            "final": cells[-1] if cells else None,
            "previous": previous,
            "previous_level": previous.result.levels.get(number) if previous else None,
            "stage_names": dict(StageChoice.choices),
        },
    )
