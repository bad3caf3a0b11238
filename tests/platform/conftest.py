"""A small world for platform tests: one open round, two agencies with units and one user per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from indeks.assessment.models import IndicatorAssignment
from indeks.registry.access import Actor
from indeks.registry.models import Agency, AgencyKind, Role, RoleAssignment, Unit
from indeks.rounds.models import ActivityType, Participation, Round, StageWindow

PASSWORD = "a-test-password-123"


@dataclass
class AgencyWorld:
    agency: Agency
    participation: Participation
    units: dict[str, Unit]
    users: dict[str, Any] = field(default_factory=dict)

    def actor(self, key: str) -> Actor:
        return Actor.of(self.users[key])

    def client(self, key: str) -> Client:
        client = Client()
        client.force_login(self.users[key])
        return client


@dataclass
class World:
    round: Round
    a: AgencyWorld
    b: AgencyWorld
    admin: Any

    def admin_actor(self) -> Actor:
        return Actor.of(self.admin)


def _user(username: str) -> Any:
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


def make_agency(round_: Round, code: str, name: str, kind: str = AgencyKind.KOTA) -> AgencyWorld:
    agency = Agency.objects.create(code=code, name=name, kind=kind)
    units = {
        key: Unit.objects.create(agency=agency, name=f"{label} {name}")
        for key, label in (("kominfo", "Dinas Kominfo"), ("hukum", "Bagian Hukum"), ("bappeda", "Bappeda"))
    }
    participation = Participation.objects.create(round=round_, agency=agency, activity=ActivityType.EVALUASI)
    for number in range(1, 48):
        owner = units["hukum"] if number <= 10 else units["kominfo"]
        assignment = IndicatorAssignment.objects.create(participation=participation, indicator=number, owner=owner)
        if number <= 10:
            assignment.contributors.set([units["kominfo"]])
    world = AgencyWorld(agency, participation, units)
    for role in (Role.COORDINATOR, Role.OFFICIAL, Role.OPERATOR, Role.LEADERSHIP):
        user = _user(f"{role.value}-{code}")
        RoleAssignment.objects.create(user=user, role=role, agency=agency)
        world.users[role.value] = user
    for key in ("kominfo", "hukum", "bappeda"):
        user = _user(f"unit-{key}-{code}")
        RoleAssignment.objects.create(user=user, role=Role.RESPONDENT, agency=agency, unit=units[key])
        world.users[f"respondent_{key}"] = user
    return world


def open_round(year: int = 2025, framework_id: str = "spbe-2020") -> Round:
    round_ = Round.objects.create(year=year, name=f"Evaluasi SPBE {year}", framework_id=framework_id)
    now = timezone.now()
    StageWindow.objects.create(
        round=round_, stage="mandiri", opens=now - timedelta(days=5), closes=now + timedelta(days=5)
    )
    StageWindow.objects.create(
        round=round_, stage="dokumen", opens=now + timedelta(days=6), closes=now + timedelta(days=20)
    )
    return round_


@pytest.fixture
def world(db: None) -> World:
    round_ = open_round()
    a = make_agency(round_, "51.71", "Kota Denpasar")
    b = make_agency(round_, "32.73", "Kota Bandung")
    admin = _user("admin")
    RoleAssignment.objects.create(user=admin, role=Role.NATIONAL_ADMIN)
    return World(round_, a, b, admin)


def close_window(participation: Participation, stage: str = "mandiri") -> None:
    """Move a stage window into the past."""
    now = timezone.now()
    StageWindow.objects.filter(round=participation.round, stage=stage).update(
        opens=now - timedelta(days=10), closes=now - timedelta(days=1)
    )


# --- Helpers for the detailed platform tests (permissions, workflow, API) -------------------------------------

# A real, minimal PDF (one empty page); readers open it, and its content starts with the PDF magic.
MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n165\n%%EOF\n"
)
MINIMAL_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Signed scans go to a temporary media root, never to var/media; passwords hash fast (tests only); every test
    starts with an empty cache (the sign-in rate limit counts the POSTs of an address per minute there, and the
    browser tests sign in many times from 127.0.0.1)."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.fixture
def english() -> Any:
    """Service messages in English (the platform's default language is Indonesian)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def login(user: Any = None, *, enforce_csrf_checks: bool = False) -> Client:
    """A client signed in as ``user`` (anonymous for None) that reads the pages in English."""
    from django.conf import settings as django_settings

    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def add_answer(
    participation: Participation,
    indicator: int,
    *,
    level: int | None = 3,
    fakta: str = "Fakta tersedia",
    analisis: str = "Analisis tersedia",
    status: str = "draft",
    stage: str = "mandiri",
    needs_recheck: bool = False,
) -> Any:
    """An answer written straight to the database (a precondition, not the behaviour under test)."""
    from indeks.assessment.models import Answer

    return Answer.objects.create(
        participation=participation,
        indicator=indicator,
        stage=stage,
        level=level,
        fakta=fakta,
        analisis=analisis,
        status=status,
        needs_recheck=needs_recheck,
    )


def add_general_question(round_: Round, number: int = 1, text: str = "Apa strategi SPBE instansi?") -> Any:
    from indeks.assessment.models import GeneralQuestion

    return GeneralQuestion.objects.create(round=round_, number=number, text=text)


def complete(participation: Participation) -> None:
    """Every indicator answered and accepted, every general question answered: ready to freeze."""
    from indeks.assessment.models import Answer, GeneralAnswer, GeneralQuestion

    existing = set(
        Answer.objects.filter(participation=participation, stage="mandiri").values_list("indicator", flat=True)
    )
    for indicator in participation.round.framework.indicators:
        if indicator.number not in existing:
            add_answer(participation, indicator.number, level=3, status="accepted")
    Answer.objects.filter(participation=participation, stage="mandiri").update(status="accepted", needs_recheck=False)
    for question in GeneralQuestion.objects.filter(round_id=participation.round_id):
        GeneralAnswer.objects.get_or_create(participation=participation, question=question, defaults={"text": "Ya."})


def to_signing(world_: World, agency: AgencyWorld | None = None) -> Participation:
    """Complete the agency's self-assessment and freeze it for signing (through the service)."""
    from indeks.assessment import services

    agency = agency or world_.a
    complete(agency.participation)
    services.prepare_submission(agency.actor("coordinator"), agency.participation)
    agency.participation.refresh_from_db()
    return agency.participation


def previous_participation(agency: AgencyWorld, *, year: int = 2024, framework_id: str = "spbe-2020") -> Participation:
    """The agency's participation in an earlier (past) round."""
    round_ = Round.objects.create(year=year, name=f"Evaluasi SPBE {year}", framework_id=framework_id)
    now = timezone.now()
    StageWindow.objects.create(
        round=round_, stage="mandiri", opens=now - timedelta(days=400), closes=now - timedelta(days=380)
    )
    return Participation.objects.create(
        round=round_, agency=agency.agency, activity=ActivityType.EVALUASI, status="submitted"
    )


def submit_through_services(world_: World, agency: AgencyWorld | None = None) -> Participation:
    """Complete, freeze and submit the agency's self-assessment with both signed scans, through the services (the
    audit trail is written as in real use)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indeks.assessment import services
    from indeks.assessment.models import SignedDocumentKind

    agency = agency or world_.a
    participation = to_signing(world_, agency)
    for kind in (SignedDocumentKind.BERITA_ACARA, SignedDocumentKind.PERSETUJUAN_PUBLIKASI):
        scan = SimpleUploadedFile(f"{kind}.pdf", MINIMAL_PDF + kind.encode())
        services.upload_signed(agency.actor("coordinator"), participation, kind, scan)
    participation.refresh_from_db()
    assert participation.status == "submitted"
    return participation


def snapshot() -> tuple[Any, ...]:
    """Everything the self-assessment and round pages can change, to prove a refused action changed nothing."""
    from indeks.assessment.models import Answer, GeneralAnswer, IndicatorAssignment, SignedDocument
    from indeks.audit.models import AuditEntry
    from indeks.rounds.models import WindowExtension

    return (
        list(
            Answer.objects.order_by("pk").values_list(
                "pk",
                "participation_id",
                "indicator",
                "stage",
                "level",
                "fakta",
                "analisis",
                "justifikasi",
                "status",
                "needs_recheck",
                "version",
                "updated_by_id",
            )
        ),
        list(Participation.objects.order_by("pk").values_list("pk", "status", "version", "submitted_at")),
        list(IndicatorAssignment.objects.order_by("pk").values_list("pk", "participation_id", "indicator", "owner_id")),
        sorted(IndicatorAssignment.contributors.through.objects.values_list("indicatorassignment_id", "unit_id")),
        list(GeneralAnswer.objects.order_by("pk").values_list("pk", "question_id", "text", "version")),
        list(SignedDocument.objects.order_by("pk").values_list("pk", "kind", "sha256")),
        list(Round.objects.order_by("pk").values_list("pk", "name", "framework_id")),
        list(StageWindow.objects.order_by("pk").values_list("pk", "opens", "closes")),
        list(WindowExtension.objects.order_by("pk").values_list("pk", "participation_id", "closes")),
        list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
    )
