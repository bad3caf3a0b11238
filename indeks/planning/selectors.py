"""Reading what the planner needs: starting levels, comparable agencies and rankings, saved plans."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.core.cache import cache

from indeks.assessment.models import Answer
from indeks.assessment.selectors import previous_participation
from indeks.core.engine import compute
from indeks.core.stages import Stage, effective_levels
from indeks.registry.access import Actor
from indeks.rounds.models import Participation

BASELINES = ("current", "previous")


def baseline_levels(participation: Participation, baseline: str, actor: Actor) -> tuple[dict[int, int], list[int]]:
    """Starting levels, missing ones at the minimum; returns the levels and the indicators filled in.

    ``current``: this round's latest levels the actor may see (for the agency: its self-assessment and the
    stages released to it). ``previous``: last round's published result, else that round's visible levels.
    """
    from indeks.external.selectors import visible_stages
    from indeks.results.selectors import published_result

    framework = participation.round.framework
    source = participation
    if baseline == "previous":
        previous = previous_participation(participation, same_framework=True)
        if previous is not None:
            published = published_result(previous)
            if published is not None:
                levels = {int(n): lv for n, lv in published[1].levels.items()}
                result = compute(framework, levels, allow_missing=True)
                return dict(result.levels), list(result.filled_in)
            source = previous
    stages = set(visible_stages(actor, source))
    by_stage: dict[Stage, dict[int, int]] = defaultdict(dict)
    for indicator, stage, level in Answer.objects.filter(
        participation=source, level__isnull=False, stage__in=stages
    ).values_list("indicator", "stage", "level"):
        if level is not None:
            by_stage[Stage(stage)][indicator] = level
    result = compute(framework, effective_levels(by_stage), allow_missing=True)
    return dict(result.levels), list(result.filled_in)


@dataclass(frozen=True)
class Peer:
    agency_id: int
    name: str
    index: Fraction


def peers(participation: Participation) -> list[Peer]:
    """Agencies of the same type in the newest published result of an earlier round under this framework, best
    first. Only published numbers are used: an agency never sees another's unpublished data."""
    from indeks.results.models import Snapshot, SnapshotResult

    snapshot = (
        Snapshot.objects.filter(
            published_at__isnull=False,
            round__year__lt=participation.round.year,
            round__framework_id=participation.round.framework_id,
        )
        .order_by("-round__year", "-revision")
        .first()
    )
    if snapshot is None:
        return []
    key = f"indeks:peers:{snapshot.pk}:{participation.agency.kind}"
    cached: list[Peer] | None = cache.get(key)
    if cached is not None:
        return cached
    found = [
        Peer(agency_id, name, Fraction(exact))
        for agency_id, name, exact in SnapshotResult.objects.filter(
            snapshot=snapshot, excluded=False, agency__kind=participation.agency.kind
        ).values_list("agency_id", "agency__name", "index_exact")
    ]
    found.sort(key=lambda peer: (-peer.index, peer.name))
    cache.set(key, found, 600)
    return found


def rank(index: Fraction, others: list[Peer], own_agency: int) -> tuple[int, int]:
    """(position, out of) of an index among the peers' (the agency's own earlier result left out)."""
    field = [p.index for p in others if p.agency_id != own_agency]
    return 1 + sum(1 for value in field if value > index), len(field) + 1
