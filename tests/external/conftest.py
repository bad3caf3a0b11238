"""The external assessment world: both agencies submitted, every external stage open, assessors and a reviewer.

Agency A (Kota Denpasar) is in Evaluasi with a site visit, agency B (Kota Bandung) in Pemantauan. ``assessor1``
assesses A, ``assessor2`` assesses B; ``reviewer`` is the review team (Tim Reviu); ``admin`` the national admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from indeks.assessment.models import Answer, AnswerStatus
from indeks.core.engine import IndexResult, compute
from indeks.core.stages import Stage, effective_levels
from indeks.registry.access import Actor
from indeks.registry.models import Role, RoleAssignment
from indeks.rounds.models import (
    ActivityType,
    AssessorAssignment,
    Participation,
    ParticipationStatus,
    Round,
    StageWindow,
)
from tests.platform.conftest import *  # noqa: F403
from tests.platform.conftest import (
    AgencyWorld,
    World,
    _media_in_tmp,  # noqa: F401  (autouse; not exported by the star import)
    _user,
    add_answer,
    complete,
)

EXTERNAL = ("dokumen", "interviu", "visitasi", "reviu")


@dataclass
class ExternalWorld(World):
    assessor1: Any
    assessor2: Any
    reviewer: Any

    def act(self, user: Any) -> Actor:
        return Actor.of(user)


def mandiri_level(participation: Participation, number: int) -> int:
    """A spread of self-assessment levels (1..5) that differs between agencies."""
    return 1 + (number * 3 + participation.pk) % 5


def submit_self_assessment(agency: AgencyWorld) -> None:
    """Every indicator answered and accepted (varied levels), and the participation submitted."""
    participation = agency.participation
    for indicator in participation.round.framework.indicators:
        add_answer(participation, indicator.number, level=mandiri_level(participation, indicator.number))
    complete(participation)
    Participation.objects.filter(pk=participation.pk).update(
        status=ParticipationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    participation.refresh_from_db()


def open_external_windows(round_: Round) -> None:
    now = timezone.now()
    for stage in EXTERNAL:
        StageWindow.objects.update_or_create(
            round=round_, stage=stage, defaults={"opens": now - timedelta(days=1), "closes": now + timedelta(days=10)}
        )


def make_external(world_: World) -> ExternalWorld:
    open_external_windows(world_.round)
    for agency in (world_.a, world_.b):
        submit_self_assessment(agency)
    Participation.objects.filter(pk=world_.a.participation.pk).update(activity=ActivityType.EVALUASI, with_visit=True)
    Participation.objects.filter(pk=world_.b.participation.pk).update(activity=ActivityType.PEMANTAUAN)
    world_.a.participation.refresh_from_db()
    world_.b.participation.refresh_from_db()
    users = {}
    for name, role in (("assessor1", Role.ASSESSOR), ("assessor2", Role.ASSESSOR), ("reviewer", Role.REVIEWER)):
        users[name] = _user(name)
        RoleAssignment.objects.create(user=users[name], role=role)
    AssessorAssignment.objects.create(round=world_.round, agency=world_.a.agency, assessor=users["assessor1"])
    AssessorAssignment.objects.create(round=world_.round, agency=world_.b.agency, assessor=users["assessor2"])
    return ExternalWorld(world_.round, world_.a, world_.b, world_.admin, **users)


@pytest.fixture
def external_world(world: World) -> ExternalWorld:
    return make_external(world)


def external_level(participation: Participation, number: int, stage: str = "dokumen") -> int:
    """The assessor's level at a stage: usually one below or equal to the self-assessment, never off the ladder."""
    shift = {"dokumen": 1, "interviu": 0, "visitasi": 2}.get(stage, 0)
    return max(1, min(5, mandiri_level(participation, number) - (number + shift) % 2))


def add_stage_levels(participation: Participation, stage: str, levels: dict[int, int]) -> None:
    """External levels written straight to the database (a precondition, not the behaviour under test)."""
    Answer.objects.bulk_create(
        Answer(
            participation=participation,
            indicator=n,
            stage=stage,
            level=level,
            fakta=f"Fakta asesor {stage} {n}",
            analisis=f"Analisis asesor {stage} {n}",
            justifikasi=f"Justifikasi asesor {stage} {n}",
            status=AnswerStatus.ACCEPTED,
        )
        for n, level in levels.items()
    )


def score_document_review(participation: Participation) -> dict[int, int]:
    """Every indicator scored at the document stage (directly); returns the levels."""
    levels = {i.number: external_level(participation, i.number) for i in participation.round.framework.indicators}
    add_stage_levels(participation, "dokumen", levels)
    return levels


def engine_result(participation: Participation, upto: str | None = None) -> IndexResult:
    """The engine's value of the participation's resolved levels (carry-forward, the review correction wins)."""
    by_stage: dict[Stage, dict[int, int]] = {}
    for n, stage, level in Answer.objects.filter(participation=participation, level__isnull=False).values_list(
        "indicator", "stage", "level"
    ):
        by_stage.setdefault(Stage(stage), {})[n] = level
    levels = effective_levels(by_stage, upto=Stage(upto) if upto else None)
    return compute(participation.round.framework, levels, allow_missing=True)


def external_snapshot() -> tuple[Any, ...]:
    """Everything the external assessment pages can change (on top of the platform snapshot)."""
    from django.contrib.auth import get_user_model

    from indeks.external.models import (
        AspectNote,
        Clarification,
        Interview,
        Recommendation,
        ReviewDecision,
        StageRelease,
    )
    from indeks.notifications.models import Notification
    from indeks.results.models import Snapshot, SnapshotResult
    from indeks.rounds.models import ConflictOfInterest
    from tests.platform.conftest import snapshot

    return (
        snapshot(),
        list(Participation.objects.order_by("pk").values_list("pk", "activity", "with_visit")),
        list(AssessorAssignment.objects.order_by("pk").values_list("pk", "round_id", "agency_id", "assessor_id")),
        list(ConflictOfInterest.objects.order_by("pk").values_list("pk", "assessor_id", "agency_id")),
        list(Clarification.objects.order_by("pk").values_list("pk", "question", "answer", "answered_by_id")),
        list(Interview.objects.order_by("pk").values_list("pk", "stage", "scheduled_at", "participants", "notes")),
        list(AspectNote.objects.order_by("pk").values_list("pk", "aspect", "strengths", "weaknesses", "version")),
        list(Recommendation.objects.order_by("pk").values_list("pk", "summary", "advice", "version")),
        list(ReviewDecision.objects.order_by("pk").values_list("pk", "indicator", "valid", "corrected_level")),
        list(StageRelease.objects.order_by("pk").values_list("pk", "participation_id", "stage")),
        list(Snapshot.objects.order_by("pk").values_list("pk", "revision", "note", "published_at")),
        list(SnapshotResult.objects.order_by("pk").values_list("pk", "snapshot_id", "index_value", "excluded")),
        list(Notification.objects.order_by("pk").values_list("pk", "user_id", "kind", "read_at")),
        list(get_user_model().objects.order_by("pk").values_list("pk", "username")),
    )
