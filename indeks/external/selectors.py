"""Reading the external assessment: assessor queues, levels per stage, what the agency may see, stage indices."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from indeks.assessment.models import Answer
from indeks.core.engine import IndexResult, compute
from indeks.core.stages import STAGE_ORDER, Stage, resolve_agency
from indeks.external.models import Clarification, ReviewDecision, StageRelease
from indeks.external.services import EXTERNAL_STAGES, stage_applies
from indeks.registry.access import Action, Actor
from indeks.rounds import publication
from indeks.rounds.models import AssessorAssignment, Participation, ParticipationStatus, StageChoice, WindowExtension
from indeks.rounds.services import effective_window


def get_assessed(actor: Actor, pk: int) -> Participation:
    """A participation the actor assesses (or any, for the national admin and the review team); else 404."""
    from django.db.models import Prefetch

    participation = (
        Participation.objects.select_related("round", "agency")
        .prefetch_related("round__windows", Prefetch("extensions", queryset=WindowExtension.objects.all()))
        .filter(pk=pk)
        .first()
    )
    if participation is None:
        raise Http404
    if actor.is_national_admin:
        return participation
    external = actor.assesses(participation.agency_id, participation.round_id) or actor.is_reviewer
    # Nothing of an agency's self-assessment reaches the external side before it submits.
    if not external or participation.status != ParticipationStatus.SUBMITTED:
        raise Http404
    return participation


def levels_by_stage(participation: Participation) -> dict[str, dict[int, Answer]]:
    """Every answer of the participation, by stage then indicator (one query)."""
    out: dict[str, dict[int, Answer]] = defaultdict(dict)
    for answer in Answer.objects.filter(participation=participation):
        out[answer.stage][answer.indicator] = answer
    return out


def visible_stages(actor: Actor, participation: Participation) -> list[str]:
    """The stages whose levels the actor may see.

    The national admin sees every stage; the review team every stage and assessors the assessment stages, but only
    once the agency has submitted (nothing before). The agency sees its self-assessment and the stages released to
    it. The review team's decisions (reviu) stay with the national
    side until the round's result is published.
    """
    applicable = [s.value for s in STAGE_ORDER if s == Stage.MANDIRI or stage_applies(participation, s.value)]
    if actor.is_national_admin:
        return applicable
    if actor.is_reviewer:
        return applicable if participation.status == ParticipationStatus.SUBMITTED else []
    if not publication.is_published(participation.round_id):
        applicable = [s for s in applicable if s != StageChoice.REVIU]
    if actor.assesses(participation.agency_id, participation.round_id):
        return applicable if participation.status == ParticipationStatus.SUBMITTED else []
    if not actor.can(Action.VIEW_AGENCY, participation.agency_id):
        return []
    released = set(StageRelease.objects.filter(participation=participation).values_list("stage", flat=True))
    return [s for s in applicable if s == StageChoice.MANDIRI or s in released]


@dataclass
class StageIndex:
    stage: str
    label: str
    result: IndexResult
    set_here: int


def stage_indices(
    participation: Participation, stages: list[str], by_stage: dict[str, dict[int, Answer]]
) -> list[StageIndex]:
    """The index as it stood after each visible stage (carry-forward of the earlier stages' levels)."""
    framework = participation.round.framework
    plain = {Stage(s): {n: a.level for n, a in answers.items()} for s, answers in by_stage.items() if s in stages}
    out = []
    for stage in stages:
        levels = {n: r.level for n, r in resolve_agency(plain, upto=Stage(stage)).items()}
        result = compute(framework, levels, allow_missing=True)
        out.append(StageIndex(stage, str(StageChoice(stage).label), result, len(plain.get(Stage(stage), {}))))
    return out


@dataclass
class StageCell:
    stage: str
    label: str
    answer: Answer | None
    carried_from: str | None


def side_by_side(
    participation: Participation, indicator: int, stages: list[str], by_stage: dict[str, dict[int, Answer]]
) -> list[StageCell]:
    """One indicator across the visible stages; a stage that did not set a level shows the level carried."""
    cells, last = [], None
    for stage in stages:
        answer = by_stage.get(stage, {}).get(indicator)
        if answer is not None and answer.level is not None:
            last = stage
            cells.append(StageCell(stage, str(StageChoice(stage).label), answer, None))
        else:
            carried = by_stage.get(last, {}).get(indicator) if last else None
            cells.append(StageCell(stage, str(StageChoice(stage).label), carried, last))
    return cells


@dataclass
class QueueRow:
    participation: Participation
    stage: str | None
    deadline: datetime | None
    scored: dict[str, int] = field(default_factory=dict)
    open_clarifications: int = 0


def assessor_queue(actor: Actor) -> list[QueueRow]:
    """The assessor's agencies with the stage in progress, its deadline and the counts scored per stage."""
    assignments = AssessorAssignment.objects.filter(assessor=actor.user).values_list("round_id", "agency_id")
    pairs = set(assignments)
    participations = [
        p
        for p in Participation.objects.select_related("round", "agency")
        .prefetch_related("round__windows", "extensions")
        .filter(
            round_id__in={r for r, _ in pairs},
            agency_id__in={a for _, a in pairs},
            status=ParticipationStatus.SUBMITTED,
        )
        if (p.round_id, p.agency_id) in pairs
    ]
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pid, stage in Answer.objects.filter(
        participation__in=participations, stage__in=[s.value for s in EXTERNAL_STAGES]
    ).values_list("participation_id", "stage"):
        counts[pid][stage] += 1
    pending: dict[int, int] = defaultdict(int)
    for pid in Clarification.objects.filter(participation__in=participations, answered_at__isnull=True).values_list(
        "participation_id", flat=True
    ):
        pending[pid] += 1
    rows = []
    from django.utils import timezone

    now = timezone.now()
    for p in participations:
        current = None
        deadline = None
        for stage in EXTERNAL_STAGES:
            if not stage_applies(p, stage.value):
                continue
            opens, closes = effective_window(p, stage.value)
            if opens and closes and opens <= now <= closes:
                current, deadline = stage.value, closes
        rows.append(QueueRow(p, current, deadline, dict(counts[p.pk]), pending[p.pk]))
    rows.sort(key=lambda r: (r.deadline is None, r.deadline or now, r.participation.agency.name))
    return rows


def reviews(participation: Participation) -> dict[int, ReviewDecision]:
    return {r.indicator: r for r in ReviewDecision.objects.filter(participation=participation)}


def clarifications(participation: Participation, indicator: int | None = None) -> Any:
    qs = Clarification.objects.filter(participation=participation).select_related("asked_by", "answered_by")
    return qs.filter(indicator=indicator) if indicator is not None else qs


# Audit actions of the external side, and who they are shown as to the agency (never the assessor's name).
EXTERNAL_ROLE_OF_ACTION = {
    "assessor.score": _("External assessor"),
    "evidence.verify": _("External assessor"),
    "clarification.ask": _("External assessor"),
    "review.decide": _("Review team"),
}


@dataclass
class HistoryRow:
    at: datetime
    who: str
    action: str
    field: str
    old: str
    new: str
    note: str


def released_history(actor: Actor, participation: Participation, indicator: int) -> list[HistoryRow]:
    """The external side's audit entries of one indicator that the agency may see: those of released stages (the
    review only once published), shown by role, not by name. Empty for the national admin, whose history page
    already holds every entry."""
    from indeks.audit.models import AuditEntry

    if actor.is_national_admin or not actor.can(Action.VIEW_AGENCY, participation.agency_id):
        return []
    stages = list(StageRelease.objects.filter(participation=participation).values_list("stage", flat=True))
    if publication.is_published(participation.round_id):
        stages.append(StageChoice.REVIU)  # the review's decisions are part of the published result
    if not stages:
        return []
    entries = AuditEntry.objects.filter(
        participation=participation,
        indicator=indicator,
        stage__in=stages,
        action__in=[a for a in EXTERNAL_ROLE_OF_ACTION if a != "evidence.verify"],
    )
    if StageChoice.DOKUMEN in stages:
        entries = entries | AuditEntry.objects.filter(
            participation=participation, indicator=indicator, action="evidence.verify"
        )
    return [
        HistoryRow(e.at, str(EXTERNAL_ROLE_OF_ACTION[e.action]), e.action, e.field, e.old, e.new, e.note)
        for e in entries.order_by("-at", "-id")[:100]
    ]
