"""What the agency's indicator history shows of the external side: nothing before release, never the assessor's name,
the review only once published. Every entry here is written by the services that write the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from indeks.assessment import services as assessment
from indeks.external import services as external
from indeks.registry.access import Actor
from indeks.registry.models import Role, RoleAssignment
from indeks.results import services as results
from indeks.rounds.models import AssessorAssignment
from tests.external.conftest import open_external_windows
from tests.platform.conftest import World, _user, login, submit_through_services

SECRETS = ("Fakta asesor rahasia", "Analisis asesor rahasia", "Justifikasi asesor rahasia")
REVIEW_SECRET = "Alasan reviu rahasia"


@pytest.fixture
def assessed(world: World) -> dict[str, Any]:
    """Agency A saved indicator 1 through the service, submitted, was scored and reviewed through the services."""
    p = world.a.participation
    assessment.save_answer(
        world.a.actor("respondent_hukum"), p, 1, level=4, fakta="Fakta unit", analisis="Analisis unit", version=0
    )
    submit_through_services(world)
    open_external_windows(world.round)
    users = {"assessor": _user("asesor-rahasia"), "reviewer": _user("reviu-rahasia")}
    RoleAssignment.objects.create(user=users["assessor"], role=Role.ASSESSOR)
    RoleAssignment.objects.create(user=users["reviewer"], role=Role.REVIEWER)
    AssessorAssignment.objects.create(round=world.round, agency=world.a.agency, assessor=users["assessor"])
    external.score(
        Actor.of(users["assessor"]),
        p,
        1,
        "dokumen",
        level=2,
        fakta=SECRETS[0],
        analisis=SECRETS[1],
        justifikasi=SECRETS[2],
        version=None,
    )
    reviewer = Actor.of(users["reviewer"])
    external.review(reviewer, p, 1, valid=False, reason=REVIEW_SECRET, level=1)
    return users


def _history(client: Client, world: World) -> str:
    response = client.get(reverse("assessment:indicator", args=[world.a.participation.pk, 1]))
    assert response.status_code == 200
    return response.content.decode()


def _agency_clients(world: World) -> list[Client]:
    return [login(world.a.users[k]) for k in ("coordinator", "respondent_hukum", "leadership")]


def test_before_release_the_agency_sees_only_its_own_side(world: World, assessed: dict[str, Any]) -> None:
    for client in _agency_clients(world):
        page = _history(client, world)
        assert "Fakta unit" in page  # its own save is there
        for secret in (*SECRETS, REVIEW_SECRET, "asesor-rahasia", "reviu-rahasia"):
            assert secret not in page, secret
        assert 'data-testid="external-history"' not in page


def test_after_release_the_stage_shows_without_the_assessors_name(world: World, assessed: dict[str, Any]) -> None:
    external.release(world.admin_actor(), [world.a.participation], "dokumen")
    for client in _agency_clients(world):
        page = _history(client, world)
        assert 'data-testid="external-history"' in page
        assert SECRETS[2] in page
        assert "asesor-rahasia" not in page
        # The review team's decision stays on the national side until publication.
        assert REVIEW_SECRET not in page
        assert "reviu-rahasia" not in page


def test_the_review_shows_in_words_once_published(world: World, assessed: dict[str, Any]) -> None:
    p = world.a.participation
    reviewer = Actor.of(assessed["reviewer"])
    for indicator in p.round.framework.indicators[1:]:
        external.review(reviewer, p, indicator.number, valid=True, reason="", level=None)
    external.release(world.admin_actor(), [p], "dokumen")
    snapshot = results.finalise(world.admin_actor(), world.round, excluded={world.b.participation.pk})
    results.publish(world.admin_actor(), snapshot)
    client = login(world.a.users["coordinator"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("assessment:indicator", args=[p.pk, 1]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert REVIEW_SECRET in page
    assert "Tidak Valid, corrected to level 1" in page
    assert "(False, 1)" not in page
    assert "reviu-rahasia" not in page
    assert "asesor-rahasia" not in page


def test_the_national_admin_sees_every_entry_with_names(world: World, assessed: dict[str, Any]) -> None:
    page = _history(login(world.admin), world)
    for text in (*SECRETS[2:], REVIEW_SECRET, "asesor-rahasia", "reviu-rahasia", "Fakta unit"):
        assert text in page, text


@pytest.mark.parametrize("status", ["mandiri", "signing"])
def test_the_external_side_reads_nothing_before_submission(world: World, status: str) -> None:
    """Draft answers (Fakta) never reach an assessor or the review team before the agency submits."""
    p = world.a.participation
    assessment.save_answer(
        world.a.actor("respondent_hukum"), p, 1, level=4, fakta="Fakta draf unit", analisis="Analisis", version=0
    )
    p.status = status
    p.save(update_fields=["status"])
    open_external_windows(world.round)
    assessor, reviewer = _user("asesor-draf"), _user("reviu-draf")
    RoleAssignment.objects.create(user=assessor, role=Role.ASSESSOR)
    RoleAssignment.objects.create(user=reviewer, role=Role.REVIEWER)
    AssessorAssignment.objects.create(round=world.round, agency=world.a.agency, assessor=assessor)
    pages = [
        reverse("external:worklist", args=[p.pk, "dokumen"]),
        reverse("external:score", args=[p.pk, "dokumen", 1]),
        reverse("external:notes", args=[p.pk]),
        reverse("external:review_agency", args=[p.pk]),
        reverse("evidence:report", args=[p.pk]),
    ]
    for user in (assessor, reviewer):
        client = login(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code in (403, 404), (user.username, url)
            assert "Fakta draf unit" not in response.content.decode()
        queue = client.get(reverse("external:queue")).content.decode()
        assert "Fakta draf unit" not in queue
        assert reverse("external:worklist", args=[p.pk, "dokumen"]) not in queue
