"""Reading the self-assessment for pages and the API, with a fixed number of queries per page."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from indeks.assessment.models import Answer, AnswerStatus, GeneralAnswer, GeneralQuestion, IndicatorAssignment
from indeks.audit.models import AuditEntry
from indeks.core.engine import IndexResult, compute
from indeks.core.schema import Indicator
from indeks.core.stages import Stage, effective_levels
from indeks.registry.access import Action, Actor
from indeks.registry.models import Unit
from indeks.rounds import publication
from indeks.rounds.models import Participation, StageChoice, WindowExtension

MANDIRI = StageChoice.MANDIRI.value


def visible_participations(actor: Actor) -> QuerySet[Participation]:
    """Participations the actor may open: their agencies', or all for a national admin."""
    qs = Participation.objects.select_related("round", "agency")
    if actor.is_national_admin:
        return qs
    return qs.filter(agency_id__in=actor.agency_ids())


def get_participation(actor: Actor, pk: int) -> Participation:
    """One participation with its windows and extensions; 404 when missing or out of the actor's scope."""
    participation = (
        Participation.objects.select_related("round", "agency", "agency__province")
        .prefetch_related("round__windows", Prefetch("extensions", queryset=WindowExtension.objects.all()))
        .filter(pk=pk)
        .first()
    )
    if participation is None or not actor.can(Action.VIEW_AGENCY, participation.agency_id):
        raise Http404
    return participation


@dataclass
class IndicatorRow:
    """One line of the agency's indicator table."""

    indicator: Indicator
    answer: Answer | None
    owner: Unit | None
    contributors: list[Unit] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.answer.status if self.answer else "unanswered"


def indicator_rows(participation: Participation, *, contributors: bool = False) -> list[IndicatorRow]:
    """Every indicator of the framework with its answer and units (two or three queries whatever the size).

    Only the columns a table needs are read; ``contributors`` adds the contributing units (assignments page).
    """
    answers = {
        a.indicator: a
        for a in Answer.objects.filter(participation=participation, stage=MANDIRI).only(
            "indicator", "stage", "level", "status", "needs_recheck", "participation_id"
        )
    }
    assignments_qs = (
        IndicatorAssignment.objects.filter(participation=participation)
        .select_related("owner")
        .only("indicator", "owner__name", "owner__agency_id", "participation_id")
    )
    if contributors:
        assignments_qs = assignments_qs.prefetch_related("contributors")
    assignments = {a.indicator: a for a in assignments_qs}
    rows = []
    for indicator in participation.round.framework.indicators:
        assignment = assignments.get(indicator.number)
        rows.append(
            IndicatorRow(
                indicator,
                answers.get(indicator.number),
                assignment.owner if assignment else None,
                list(assignment.contributors.all()) if assignment and contributors else [],
            )
        )
    return rows


def live_result(participation: Participation, rows: list[IndicatorRow] | None = None) -> IndexResult:
    """The index of the current answers; unanswered indicators count at the minimum (what-if)."""
    rows = rows if rows is not None else indicator_rows(participation)
    levels = {r.indicator.number: r.answer.level for r in rows if r.answer and r.answer.level is not None}
    return compute(participation.round.framework, levels, allow_missing=True)


def previous_participation(participation: Participation, *, same_framework: bool = False) -> Participation | None:
    """The agency's latest participation in an earlier round (under the same framework, when asked)."""
    qs = Participation.objects.filter(agency_id=participation.agency_id, round__year__lt=participation.round.year)
    if same_framework:
        qs = qs.filter(round__framework_id=participation.round.framework_id)
    return qs.select_related("round").order_by("-round__year").first()


@dataclass
class PreviousYear:
    participation: Participation
    result: IndexResult
    complete: bool


def previous_year(participation: Participation) -> PreviousYear | None:
    """Last year's result of the same agency under the same framework, for the gap on the dashboard.

    The published result when that round is published; before publication only the agency's own
    self-assessment levels of that round (never assessors' or reviewers' unpublished levels).
    """
    previous = previous_participation(participation, same_framework=True)
    if previous is None:
        return None
    published = publication.published_levels(previous)
    if published is not None:
        levels = published
    else:
        levels = {
            indicator: level
            for indicator, level in Answer.objects.filter(
                participation=previous, stage=MANDIRI, level__isnull=False
            ).values_list("indicator", "level")
            if level is not None
        }
    if not levels:
        return None
    result = compute(previous.round.framework, levels, allow_missing=True)
    return PreviousYear(previous, result, not result.filled_in)


@dataclass
class Progress:
    total: int
    by_status: Counter[str]
    by_unit: dict[str, Counter[str]]

    @property
    def accepted_share(self) -> Decimal:
        return Decimal(self.by_status.get(AnswerStatus.ACCEPTED, 0) * 100) / Decimal(self.total or 1)


def progress(rows: list[IndicatorRow]) -> Progress:
    """Counts of indicators per status, overall and per owning unit."""
    by_status: Counter[str] = Counter(r.status for r in rows)
    by_unit: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_unit[r.owner.name if r.owner else ""][r.status] += 1
    return Progress(len(rows), by_status, dict(sorted(by_unit.items())))


# Audit actions of the agency's own side of a round. The external side's entries (assessor.*, review.*,
# clarification.*, evidence.verify) reach the agency only through the external app, once a stage is released.
AGENCY_SIDE_ACTIONS = ("answer.", "assignment.", "evidence.", "general.", "participation.", "signed.", "plan.")
EXTERNAL_SIDE_EVIDENCE_ACTIONS = ("evidence.verify",)


def history(actor: Actor, participation: Participation, indicator: int) -> QuerySet[AuditEntry]:
    """The indicator's audit trail as the actor may see it, newest first, with who did it.

    The national admin sees every entry; the agency's people see only their own side's (self-assessment) entries.
    """
    entries = AuditEntry.objects.filter(participation=participation, indicator=indicator).select_related("actor")
    if actor.is_national_admin:
        return entries
    own_side = Q()
    for prefix in AGENCY_SIDE_ACTIONS:
        own_side |= Q(action__startswith=prefix)
    return entries.filter(own_side, stage__in=["", MANDIRI]).exclude(action__in=EXTERNAL_SIDE_EVIDENCE_ACTIONS)


def general_questions(participation: Participation) -> list[tuple[GeneralQuestion, GeneralAnswer | None]]:
    """The round's general questions with this agency's answers."""
    answers = {a.question_id: a for a in GeneralAnswer.objects.filter(participation=participation)}
    return [(q, answers.get(q.pk)) for q in GeneralQuestion.objects.filter(round_id=participation.round_id)]


def round_levels(participation_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """Each participation's result levels (core stage resolution: the last stage that set one), in one query."""
    by_participation: dict[int, dict[Stage, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for pid, indicator, stage, level in Answer.objects.filter(
        participation_id__in=list(participation_ids), level__isnull=False
    ).values_list("participation_id", "indicator", "stage", "level"):
        if level is not None:
            by_participation[pid][Stage(stage)][indicator] = level
    return {pid: effective_levels(stages) for pid, stages in by_participation.items()}
