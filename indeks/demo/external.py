"""Demo data of the external assessment: assessors and a reviewer, every stage in the 2025 round, and the 2024
round reviewed, finalised and published (through the same services the pages use)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from indeks.assessment.models import Answer, AnswerStatus
from indeks.external.models import AspectNote, Clarification, Interview, Recommendation, ReviewDecision, StageRelease
from indeks.external.services import balance_plan, prefilled_notes
from indeks.registry.access import Actor
from indeks.registry.models import Agency, Role, RoleAssignment
from indeks.results.services import finalise, publish
from indeks.rounds.models import AssessorAssignment, ConflictOfInterest, Participation, Round

ASSESSORS = [f"asesor-{k}" for k in range(1, 7)]
REVIEWER = "reviu-1"


def _assign(round_: Round, assessors: list[Any], conflicts: set[tuple[int, int]]) -> None:
    agencies = list(
        Participation.objects.filter(round=round_).order_by("agency__name").values_list("agency_id", flat=True)
    )
    pairs = balance_plan([a.pk for a in assessors], agencies, conflicts, Counter())
    AssessorAssignment.objects.bulk_create(
        AssessorAssignment(round=round_, assessor_id=a, agency_id=g) for a, g in pairs
    )


def _assessor_of(participation: Participation) -> Any:
    found = AssessorAssignment.objects.filter(round=participation.round, agency=participation.agency).first()
    if found is None:
        raise LookupError(f"No assessor is assigned to {participation.agency} (demo).")
    return found.assessor


def _levels(p: Participation, stage: str) -> dict[int, int]:
    """The levels of a stage of the participation, by indicator (every answer the demo writes has one)."""
    rows = Answer.objects.filter(participation=p, stage=stage).values_list("indicator", "level")
    return {n: level for n, level in rows if level is not None}


def _stage_answers(
    p: Participation, stage: str, numbers: list[int], base: dict[int, int], who: Any, rng: random.Random
) -> dict[int, int]:
    levels = {n: max(1, min(5, base[n] - (rng.random() < 0.35) + (rng.random() < 0.05))) for n in numbers}
    Answer.objects.bulk_create(
        Answer(
            participation=p,
            indicator=n,
            stage=stage,
            level=lv,
            status=AnswerStatus.ACCEPTED,
            updated_by=who,
            fakta=f"Dokumen diverifikasi pada tahap {stage}.",
            analisis=f"Bukti dukung memenuhi kriteria tingkat {lv}.",
            justifikasi=f"Tingkat {lv}: kriteria tingkat {lv} terpenuhi; tingkat {lv + 1} belum."
            if lv < 5
            else "Tingkat 5: seluruh kriteria terpenuhi.",
        )
        for n, lv in levels.items()
    )
    return levels


def build_external_demo(
    round_2024: Round,
    round_2025: Round,
    current: dict[str, Participation],
    states: dict[str, str],
    password: str,
    rng: random.Random,
) -> None:
    users = get_user_model()
    assessors = []
    for name in ASSESSORS:
        user = users.objects.create(username=name, first_name="Asesor", last_name=name.split("-")[1], password=password)
        RoleAssignment.objects.create(user=user, role=Role.ASSESSOR)
        assessors.append(user)
    reviewer = users.objects.create(username=REVIEWER, first_name="Tim", last_name="Reviu", password=password)
    RoleAssignment.objects.create(user=reviewer, role=Role.REVIEWER)
    denpasar = Agency.objects.get(code="51.71")
    ConflictOfInterest.objects.create(assessor=assessors[1], agency=denpasar, note="Pernah menjadi konsultan (demo).")
    conflicts = {(assessors[1].pk, denpasar.pk)}
    _assign(round_2024, assessors, conflicts)
    _assign(round_2025, assessors, conflicts)
    admin = users.objects.get(username="admin")
    now = timezone.now()

    for code, state in states.items():
        p = current[code]
        who = _assessor_of(p)
        mandiri = _levels(p, "mandiri")
        numbers = sorted(mandiri)
        scored = numbers if state != "dokumen" else numbers[: len(numbers) // 2]
        dokumen = _stage_answers(p, "dokumen", scored, mandiri, who, rng)
        first, second = numbers[3], numbers[20]
        Clarification.objects.create(
            participation=p,
            indicator=first,
            stage="dokumen",
            asked_by=who,
            question="Mohon unggah SK penetapan yang sudah ditandatangani.",
            answer="SK Nomor 12 Tahun 2024 telah diunggah.",
            answered_by=admin,
            answered_at=now - timedelta(days=2),
        )
        Clarification.objects.create(
            participation=p,
            indicator=second,
            stage="dokumen",
            asked_by=who,
            question="Apakah laporan reviu tahun 2025 sudah tersedia?",
        )
        if state in ("interviu", "visitasi", "reviewed"):
            StageRelease.objects.create(participation=p, stage="dokumen", released_by=admin)
            clarified = rng.sample(numbers, 8)
            Interview.objects.create(
                participation=p,
                stage="interviu",
                scheduled_at=now - timedelta(days=1),
                participants="Koordinator SPBE, Diskominfo, Bappeda; Asesor " + who.username,
            )
            _stage_answers(p, "interviu", clarified, {**mandiri, **dokumen}, who, rng)
        if state == "visitasi":
            Interview.objects.create(
                participation=p,
                stage="visitasi",
                scheduled_at=now + timedelta(days=3),
                participants="Tim Asesor Eksternal dan Tim Asesor Internal",
            )
            _stage_answers(p, "visitasi", rng.sample(numbers, 4), {**mandiri, **dokumen}, who, rng)
        if state == "reviewed":
            StageRelease.objects.create(participation=p, stage="interviu", released_by=admin)
            latest = {
                **mandiri,
                **dokumen,
                **_levels(p, "interviu"),
            }
            corrected = rng.sample(numbers, 2)
            ReviewDecision.objects.bulk_create(
                ReviewDecision(
                    participation=p,
                    indicator=n,
                    decided_by=reviewer,
                    valid=n not in corrected,
                    corrected_level=max(1, latest[n] - 1) if n in corrected else None,
                    reason="Bukti dukung tahap 4 belum memuat hasil reviu." if n in corrected else "",
                )
                for n in numbers
            )
            Answer.objects.bulk_create(
                Answer(
                    participation=p,
                    indicator=n,
                    stage="reviu",
                    level=max(1, latest[n] - 1),
                    justifikasi="Koreksi Tim Reviu.",
                    status=AnswerStatus.ACCEPTED,
                    updated_by=reviewer,
                )
                for n in corrected
            )
            notes = prefilled_notes(latest, p.round.framework)
            AspectNote.objects.bulk_create(
                AspectNote(participation=p, aspect=code_, strengths=s, weaknesses=w) for code_, (s, w) in notes.items()
            )
            Recommendation.objects.create(
                participation=p,
                summary="Penerapan SPBE berjalan baik pada layanan administrasi.",
                strengths="Layanan administrasi pemerintahan terintegrasi.",
                weaknesses="Audit TIK belum dilaksanakan secara berkala.",
                advice="Tetapkan kebijakan dan jadwal Audit TIK; lakukan reviu kebijakan internal setiap tahun.",
            )

    # 2024: every agency reviewed (a few corrections), finalised and published.
    previous = list(Participation.objects.filter(round=round_2024))
    latest_2024: dict[tuple[int, int], int] = {}
    for pid, n, level in Answer.objects.filter(participation__in=previous, stage="dokumen").values_list(
        "participation_id", "indicator", "level"
    ):
        if level is not None:
            latest_2024[(pid, n)] = level
    decisions, corrections = [], []
    for p in previous:
        wrong = set(rng.sample(range(1, 48), 1))
        for n in range(1, 48):
            level = latest_2024.get((p.pk, n), 1)
            bad = n in wrong and level > 1
            decisions.append(
                ReviewDecision(
                    participation=p,
                    indicator=n,
                    decided_by=reviewer,
                    valid=not bad,
                    corrected_level=level - 1 if bad else None,
                    reason="Koreksi Tim Reviu." if bad else "",
                )
            )
            if bad:
                corrections.append(
                    Answer(
                        participation=p,
                        indicator=n,
                        stage="reviu",
                        level=level - 1,
                        justifikasi="Koreksi Tim Reviu.",
                        status=AnswerStatus.ACCEPTED,
                    )
                )
    ReviewDecision.objects.bulk_create(decisions, batch_size=2000)
    Answer.objects.bulk_create(corrections)
    StageRelease.objects.bulk_create(
        StageRelease(participation=p, stage=stage, released_by=admin)
        for p in previous
        for stage in ("dokumen", "reviu")
    )
    actor = Actor.of(admin)
    snapshot = finalise(actor, round_2024, excluded=set(), note="")
    publish(actor, snapshot)
