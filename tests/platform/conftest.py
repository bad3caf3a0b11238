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
