"""Reading what the planner needs: starting levels, comparable agencies and rankings, saved plans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.core.cache import cache

from indeks.assessment.models import Answer
from indeks.assessment.selectors import final_levels
from indeks.core.engine import compute, compute_many
from indeks.core.framework import Framework
from indeks.core.stages import Stage, effective_levels
from indeks.rounds.models import Participation

BASELINES = ("current", "previous")


def baseline_levels(participation: Participation, baseline: str) -> tuple[dict[int, int], list[int]]:
    """Starting levels: the current round's latest levels, or last round's result. Missing ones are minimum.

    Returns the levels and the indicators that were filled in with the minimum.
    """
    framework = participation.round.framework
    source = participation
    if baseline == "previous":
        previous = (
            Participation.objects.filter(
                agency_id=participation.agency_id,
                round__year__lt=participation.round.year,
                round__framework_id=participation.round.framework_id,
            )
            .order_by("-round__year")
            .first()
        )
        source = previous or participation
    result = compute(framework, final_levels(source), allow_missing=True)
    return dict(result.levels), list(result.filled_in)


@dataclass(frozen=True)
class Peer:
    agency_id: int
    name: str
    index: Fraction


def peers(participation: Participation) -> list[Peer]:
    """Agencies of the same type in the latest earlier round under this framework, best first (cached 10 min).

    Their index is computed from the last level each stage set; it stands in for the published result until
    finalised snapshots exist.
    """
    previous_round = (
        Participation.objects.filter(
            round__year__lt=participation.round.year, round__framework_id=participation.round.framework_id
        )
        .order_by("-round__year")
        .values_list("round_id", flat=True)
        .first()
    )
    if previous_round is None:
        return []
    kind = participation.agency.kind
    key = f"indeks:peers:{previous_round}:{kind}"
    cached: list[Peer] | None = cache.get(key)
    if cached is not None:
        return cached
    framework: Framework = participation.round.framework
    names = {
        p.pk: (p.agency_id, p.agency.name)
        for p in Participation.objects.filter(round_id=previous_round, agency__kind=kind).select_related("agency")
    }
    levels = round_levels(names)
    ids = [pid for pid in names if levels.get(pid)]
    results = compute_many(framework, (levels[pid] for pid in ids), allow_missing=True)
    found = sorted(
        (Peer(names[pid][0], names[pid][1], r.index.exact) for pid, r in zip(ids, results, strict=True)),
        key=lambda peer: (-peer.index, peer.name),
    )
    cache.set(key, found, 600)
    return found


def rank(index: Fraction, others: list[Peer], own_agency: int) -> tuple[int, int]:
    """(position, out of) of an index among the peers' (the agency's own earlier result left out)."""
    field = [p.index for p in others if p.agency_id != own_agency]
    return 1 + sum(1 for value in field if value > index), len(field) + 1


def round_levels(participation_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """Each participation's result levels (core stage resolution: the last stage that set one), in one query."""
    by_participation: dict[int, dict[Stage, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for pid, indicator, stage, level in Answer.objects.filter(
        participation_id__in=list(participation_ids), level__isnull=False
    ).values_list("participation_id", "indicator", "stage", "level"):
        by_participation[pid][Stage(stage)][indicator] = level
    return {pid: effective_levels(stages) for pid, stages in by_participation.items()}
