"""Reading published results: only published snapshots are visible beyond the national team."""

from __future__ import annotations

from indeks.results.models import Snapshot, SnapshotResult
from indeks.rounds.models import Participation


def latest_published(round_id: int) -> Snapshot | None:
    """The newest published revision of a round."""
    return Snapshot.objects.filter(round_id=round_id, published_at__isnull=False).order_by("-revision").first()


def is_published(round_id: int) -> bool:
    return Snapshot.objects.filter(round_id=round_id, published_at__isnull=False).exists()


def published_levels(participation: Participation) -> dict[int, int] | None:
    """The agency's final levels in the newest published revision (None before publication or when excluded)."""
    published = published_result(participation)
    return {int(n): level for n, level in published[1].levels.items()} if published else None


def published_result(participation: Participation) -> tuple[Snapshot, SnapshotResult] | None:
    """The agency's result in the newest published revision of its round."""
    snapshot = latest_published(participation.round_id)
    if snapshot is None:
        return None
    result = SnapshotResult.objects.filter(snapshot=snapshot, participation=participation, excluded=False).first()
    return (snapshot, result) if result else None
