"""The agency's result: its index per stage as it moves through the round (only the stages released to it), the
strengths, weaknesses and recommendation once it may see them, and its published result once published."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indeks.assessment.selectors import previous_year
from indeks.assessment.views.common import participation_view
from indeks.external.models import AspectNote, Recommendation, StageRelease
from indeks.external.selectors import levels_by_stage, stage_indices, visible_stages
from indeks.registry.access import Actor
from indeks.results.selectors import published_result
from indeks.rounds.models import Participation


@participation_view
def agency_result(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    """The agency's index per stage as it moves through the round (self-assessment vs final), and its published
    result once published."""
    stages = visible_stages(actor, participation)
    by_stage = levels_by_stage(participation)
    indices = stage_indices(participation, stages, by_stage)
    published = published_result(participation)
    released = set(StageRelease.objects.filter(participation=participation).values_list("stage", flat=True))
    assessor = actor.assesses(participation.agency_id, participation.round_id)
    show_notes = bool(published) or assessor or actor.is_national_admin
    return render(
        request,
        "results/agency.html",
        {
            "p": participation,
            "indices": indices,
            "published": published,
            "gap": (indices[-1].result.index.value - indices[0].result.index.value) if len(indices) > 1 else None,
            "previous": previous_year(participation),
            "released": released,
            "notes": AspectNote.objects.filter(participation=participation) if show_notes else [],
            "recommendation": Recommendation.objects.filter(participation=participation).first()
            if show_notes
            else None,
            "framework": participation.round.framework,
        },
    )
