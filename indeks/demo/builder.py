"""The demo round: real agencies at every stage of a 2025 SPBE round, and their finished 2024 round.

Everything is generated from a fixed seed, so every `make demo` shows the same data. Levels follow a latent
capability per agency; explanations are written from the framework's own criteria.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from indeks.assessment.models import (
    Answer,
    AnswerStatus,
    GeneralAnswer,
    GeneralQuestion,
    IndicatorAssignment,
    SignedDocument,
    SignedDocumentKind,
)
from indeks.core.framework import Framework
from indeks.core.loader import load_framework
from indeks.demo.external import build_external_demo
from indeks.demo.units import CENTRAL_UNITS, CONTRIBUTORS_2020, GENERAL_QUESTIONS, OWNER_2020, REGION_UNITS
from indeks.evidence.demo import build_demo_evidence
from indeks.registry.models import Agency, AgencyKind, Role, RoleAssignment, Unit
from indeks.registry.services import import_registry
from indeks.rounds.models import (
    ActivityType,
    Participation,
    ParticipationStatus,
    Round,
    StageWindow,
    WindowExtension,
)

PASSWORD = "indeks-demo-2025"
SEED = 2025
FRAMEWORK = "spbe-2020"

# Real agencies (registry codes) and where each stands in the 2025 round.
DEMO_AGENCIES: list[tuple[str, str]] = [
    ("kemenpanrb", "submitted"),
    ("kemenkeu", "signing"),
    ("kemendagri", "ready"),
    ("kemenkes", "review"),
    ("kemendikdasmen", "progress"),
    ("komdigi", "progress"),
    ("bps", "submitted"),
    ("bkn", "review"),
    ("bssn", "ready"),
    ("lan", "progress"),
    ("anri", "not_started"),
    ("brin", "progress"),
    ("32", "review"),
    ("35", "submitted"),
    ("33", "progress"),
    ("51", "signing"),
    ("75", "progress"),
    ("94", "not_started"),
    ("32.04", "progress"),
    ("32.17", "review"),
    ("35.10", "submitted"),
    ("33.72", "ready"),
    ("51.03", "progress"),
    ("75.01", "not_started"),
    ("11.01", "progress"),
    ("64.02", "review"),
    ("51.71", "review"),
    ("32.73", "progress"),
    ("35.78", "submitted"),
    ("36.71", "progress"),
    ("75.71", "ready"),
    ("34.71", "progress"),
]
FEATURED = "51.71"  # Kota Denpasar: the agency whose accounts the demo prints per role
# How far the external assessment of each submitted agency has come in the 2025 round.
EXTERNAL_STATE = {
    "bps": "dokumen",
    "35": "interviu",
    "35.10": "visitasi",
    "kemenpanrb": "reviewed",
    "35.78": "reviewed",
}


@dataclass
class DemoAccounts:
    lines: list[tuple[str, str, str]]


def _fakta(agency: Agency, indicator_name: str, level: int, rng: random.Random) -> str:
    if agency.is_central:
        kind = "Peraturan Menteri" if agency.kind == AgencyKind.KEMENTERIAN else "Peraturan Kepala Badan"
    elif agency.kind == AgencyKind.PROVINSI:
        kind = "Peraturan Gubernur"
    elif agency.kind == AgencyKind.KOTA:
        kind = "Peraturan Wali Kota"
    else:
        kind = "Peraturan Bupati"
    topic = indicator_name.removeprefix("Tingkat Kematangan ")
    if level <= 1:
        return f"Rancangan {kind} tentang {topic} masih disusun; notulen rapat penyusunan terlampir."
    number, year = rng.randint(3, 80), rng.choice([2021, 2022, 2023, 2024])
    page = rng.randint(2, 30)
    text = f"{kind} Nomor {number} Tahun {year} tentang {topic} (Pasal {rng.randint(2, 12)}, halaman {page})."
    if level >= 4:
        text += f" Laporan reviu dan evaluasi tahun {rng.choice([2024, 2025])} terlampir."
    return text


def _analisis(framework: Framework, number: int, level: int) -> str:
    criteria = framework.indicator(number).criteria_for(level)
    summary = criteria.criteria if criteria else ""
    return f"Kriteria tingkat {level} terpenuhi: {summary}"


def _levels(framework: Framework, rng: random.Random, capability: float) -> dict[int, int]:
    return {i.number: min(5, max(1, round(capability + rng.gauss(0, 0.8)))) for i in framework.indicators}


def _ensure_units(agency: Agency) -> dict[str, Unit]:
    names = CENTRAL_UNITS if agency.is_central else REGION_UNITS
    existing = {u.name: u for u in agency.units.all()}
    missing = [Unit(agency=agency, name=name) for name in names.values() if name not in existing]
    Unit.objects.bulk_create(missing)
    units = {u.name: u for u in agency.units.all()}
    return {key: units[name] for key, name in names.items()}


def _window(round_: Round, stage: str, opens: timedelta, closes: timedelta) -> StageWindow:
    now = timezone.now()
    return StageWindow(round=round_, stage=stage, opens=now + opens, closes=now + closes)


@transaction.atomic
def build_demo() -> DemoAccounts:
    """Create the demo (refuses to run twice: it checks for its own rounds first)."""
    if Round.objects.filter(name__startswith="Evaluasi SPBE").exists():
        raise RuntimeError("the demo round is already loaded")
    rng = random.Random(SEED)
    import_registry()
    framework = load_framework(FRAMEWORK)
    user_model = get_user_model()
    password = make_password(PASSWORD)  # hashed once: hashing per user would take minutes

    round_2024 = Round.objects.create(year=2024, name="Evaluasi SPBE 2024", framework_id=FRAMEWORK)
    StageWindow.objects.bulk_create(
        [
            _window(round_2024, "mandiri", timedelta(days=-700), timedelta(days=-640)),
            _window(round_2024, "dokumen", timedelta(days=-635), timedelta(days=-600)),
            _window(round_2024, "interviu", timedelta(days=-595), timedelta(days=-570)),
            _window(round_2024, "reviu", timedelta(days=-565), timedelta(days=-540)),
        ]
    )
    round_2025 = Round.objects.create(year=2025, name="Evaluasi SPBE 2025", framework_id=FRAMEWORK)
    StageWindow.objects.bulk_create(
        [
            # The national schedule overlaps: early finishers are assessed while others still self-assess
            # (their self-assessment window is extended per agency below).
            _window(round_2025, "mandiri", timedelta(days=-60), timedelta(days=-10)),
            _window(round_2025, "dokumen", timedelta(days=-9), timedelta(days=20)),
            _window(round_2025, "interviu", timedelta(days=-6), timedelta(days=25)),
            _window(round_2025, "visitasi", timedelta(days=-3), timedelta(days=30)),
            _window(round_2025, "reviu", timedelta(days=-1), timedelta(days=35)),
        ]
    )
    GeneralQuestion.objects.bulk_create(
        GeneralQuestion(round=r, number=k, text=text)
        for r in (round_2024, round_2025)
        for k, text in enumerate(GENERAL_QUESTIONS, start=1)
    )
    questions_2025 = list(GeneralQuestion.objects.filter(round=round_2025))

    admin = user_model.objects.create(username="admin", first_name="Admin", last_name="Nasional", password=password)
    RoleAssignment.objects.create(user=admin, role=Role.NATIONAL_ADMIN)
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[c for c, _ in DEMO_AGENCIES])}
    answers: list[Answer] = []
    current_by_code: dict[str, Participation] = {}
    for code, stage in DEMO_AGENCIES:
        agency = agencies[code]
        capability = min(4.6, max(1.4, rng.gauss(2.9, 0.8)))
        units = _ensure_units(agency)
        slug = code.replace(".", "")
        users = {}
        for role in (Role.COORDINATOR, Role.OFFICIAL, Role.OPERATOR, Role.LEADERSHIP):
            username = f"{role.value}-{slug}"
            users[role] = user_model.objects.create(
                username=username, first_name=str(role.label), last_name=agency.name[:100], password=password
            )
            RoleAssignment.objects.create(user=users[role], role=role, agency=agency)
        for key, unit in units.items():
            username = f"unit-{slug}-{key}"
            respondent = user_model.objects.create(username=username, first_name=unit.name[:150], password=password)
            RoleAssignment.objects.create(user=respondent, role=Role.RESPONDENT, agency=agency, unit=unit)

        activity = ActivityType.EVALUASI if rng.random() < 0.5 else ActivityType.PEMANTAUAN
        if EXTERNAL_STATE.get(code) in ("interviu", "visitasi", "reviewed"):
            activity = ActivityType.EVALUASI
        previous = Participation.objects.create(
            round=round_2024,
            agency=agency,
            activity=activity,
            status=ParticipationStatus.SUBMITTED,
            submitted_at=timezone.now() - timedelta(days=640),
        )
        last_year = _levels(framework, rng, capability - 0.3)
        for n, level in last_year.items():
            answers.append(
                Answer(
                    participation=previous,
                    indicator=n,
                    stage="mandiri",
                    level=min(5, level + (rng.random() < 0.3)),
                    fakta=_fakta(agency, framework.indicator(n).name, level, rng),
                    analisis=_analisis(framework, n, level),
                    status=AnswerStatus.ACCEPTED,
                )
            )
            answers.append(
                Answer(
                    participation=previous,
                    indicator=n,
                    stage="dokumen",
                    level=level,
                    fakta=_fakta(agency, framework.indicator(n).name, level, rng),
                    analisis=_analisis(framework, n, level),
                    status=AnswerStatus.ACCEPTED,
                )
            )

        current = Participation.objects.create(
            round=round_2025, agency=agency, activity=activity, with_visit=EXTERNAL_STATE.get(code) == "visitasi"
        )
        current_by_code[code] = current
        if stage != "submitted":
            WindowExtension.objects.create(
                participation=current,
                stage="mandiri",
                closes=timezone.now() + timedelta(days=21),
                reason="Perpanjangan jadwal Penilaian Mandiri (demo).",
            )
        for n in range(1, 48):
            assignment = IndicatorAssignment.objects.create(
                participation=current, indicator=n, owner=units[OWNER_2020[n]]
            )
            contributors = [units[k] for k in CONTRIBUTORS_2020.get(n, []) if units[k] != units[OWNER_2020[n]]]
            if contributors:
                assignment.contributors.set(contributors)
        if stage == "not_started":
            continue
        this_year = _levels(framework, rng, capability)
        for n, level in this_year.items():
            if stage == "progress" and rng.random() < 0.35:
                continue
            if stage in ("submitted", "signing", "ready"):
                status = AnswerStatus.ACCEPTED
            elif stage == "review":
                status = rng.choice([AnswerStatus.ACCEPTED] * 3 + [AnswerStatus.SUBMITTED, AnswerStatus.RETURNED])
            else:
                status = rng.choice(
                    [AnswerStatus.DRAFT, AnswerStatus.DRAFT, AnswerStatus.SUBMITTED, AnswerStatus.ACCEPTED]
                )
            answers.append(
                Answer(
                    participation=current,
                    indicator=n,
                    stage="mandiri",
                    level=level,
                    fakta=_fakta(agency, framework.indicator(n).name, level, rng),
                    analisis=_analisis(framework, n, level),
                    status=status,
                    updated_by=users[Role.OPERATOR],
                )
            )
        if stage in ("submitted", "signing", "ready", "review"):
            GeneralAnswer.objects.bulk_create(
                GeneralAnswer(
                    participation=current, question=q, text=f"Jawaban {agency.name} atas pertanyaan {q.number}."
                )
                for q in questions_2025
            )
        if stage in ("signing", "submitted"):
            current.status = ParticipationStatus.SIGNING
        if stage == "submitted":
            for kind in SignedDocumentKind.values:
                content = b"%PDF-1.4\n% demo signed scan\n"
                document = SignedDocument(
                    participation=current,
                    kind=kind,
                    original_name=f"{kind}-ttd.pdf",
                    sha256=hashlib.sha256(content).hexdigest(),
                    size=len(content),
                    uploaded_by=users[Role.COORDINATOR],
                )
                document.file.save(f"{kind}.pdf", ContentFile(content), save=False)
                document.save()
            current.status = ParticipationStatus.SUBMITTED
            current.submitted_at = timezone.now() - timedelta(days=rng.randint(1, 10))
        current.save()
    Answer.objects.bulk_create(answers, batch_size=2000)
    build_external_demo(round_2024, round_2025, current_by_code, EXTERNAL_STATE, password, rng)
    build_demo_evidence(Participation.objects.filter(round=round_2025))
    return DemoAccounts(accounts_for(FEATURED))


def accounts_for(code: str) -> list[tuple[str, str, str]]:
    """The demo accounts to print: national roles (assessors with their agencies) and one per role of the
    featured agency (its Kominfo and Hukum respondents for the units)."""
    from indeks.rounds.models import AssessorAssignment

    assessed: dict[int, list[str]] = {}
    for user_id, name in (
        AssessorAssignment.objects.filter(round__year=2025)
        .values_list("assessor_id", "agency__name")
        .order_by("agency__name")
    ):
        assessed.setdefault(user_id, []).append(name)
    rows: list[tuple[str, str, str]] = []
    for a in RoleAssignment.objects.filter(agency__isnull=True).select_related("user").order_by("user__username"):
        agencies = assessed.get(a.user_id, [])
        where = f"{len(agencies)} instansi: {', '.join(agencies[:2])}…" if agencies else "—"
        rows.append((a.user.username, str(Role(a.role).label), where))
    for a in (
        RoleAssignment.objects.filter(agency__code=code)
        .select_related("user", "agency", "unit")
        .order_by("role", "user__username")
    ):
        if a.agency is None:  # never: filtered by the agency's code (narrows the type)
            continue
        if a.role == Role.RESPONDENT:
            if a.user.username.rsplit("-", 1)[-1] in ("kominfo", "hukum") and a.unit is not None:
                rows.append((a.user.username, f"{Role(a.role).label} — {a.unit.name}", a.agency.name))
        else:
            rows.append((a.user.username, str(Role(a.role).label), a.agency.name))
    return rows
