"""An assessor's evidence scope is the round of the assignment, and only once the agency has submitted it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from indeks.evidence import samples, services
from indeks.registry.models import Role, RoleAssignment
from indeks.rounds.models import AssessorAssignment
from tests.platform.conftest import World, _user, login, previous_participation, submit_through_services

PDF = samples.text_pdf(["Peraturan Wali Kota tentang Arsitektur SPBE", "Pasal 5 domain arsitektur"])


def _assessor(name: str) -> Any:
    user = _user(name)
    RoleAssignment.objects.create(user=user, role=Role.ASSESSOR)
    return user


@pytest.fixture
def this_year(world: World, upload: Any) -> Any:
    version = upload(world, "perwal-2025.pdf", PDF, title="Perwal Arsitektur 2025", number="7/2025")
    services.link(world.a.actor("coordinator"), world.a.participation, 1, version, "Pasal 5")
    return version


def _pages(world: World, version: Any) -> dict[str, str]:
    return {
        "library": reverse("evidence:library", args=[world.a.agency.pk]),
        "search": reverse("evidence:search", args=[world.a.agency.pk]) + "?q=arsitektur",
        "agency zip": reverse("evidence:agency_zip", args=[world.a.agency.pk]),
        "document": reverse("evidence:document", args=[version.document_id]),
        "download": reverse("evidence:download", args=[version.pk]),
        "report": reverse("evidence:report", args=[world.a.participation.pk]),
        "indicator zip": reverse("evidence:indicator_zip", args=[world.a.participation.pk, 1]),
    }


def test_an_assessor_of_an_earlier_round_sees_nothing_of_this_year(world: World, this_year: Any) -> None:
    """Assigned for 2024 only: this year's library, documents, downloads and report are 404."""
    earlier = previous_participation(world.a)
    old_assessor = _assessor("asesor-2024")
    AssessorAssignment.objects.create(round=earlier.round, agency=world.a.agency, assessor=old_assessor)
    submit_through_services(world)
    client = login(old_assessor)
    for name, url in _pages(world, this_year).items():
        assert client.get(url).status_code == 404, name
    # The report of the round they did assess stays open to them.
    assert client.get(reverse("evidence:report", args=[earlier.pk])).status_code == 200


def test_an_assessor_of_an_earlier_round_keeps_the_evidence_of_that_round(
    world: World, this_year: Any, upload: Any
) -> None:
    earlier = previous_participation(world.a)
    old_assessor = _assessor("asesor-2024")
    AssessorAssignment.objects.create(round=earlier.round, agency=world.a.agency, assessor=old_assessor)
    old_version = upload(world, "perwal-2024.pdf", PDF, title="Perwal Arsitektur 2024", number="3/2024")
    # Linked in 2024 (a precondition written directly: the 2024 round is closed to new links).
    from indeks.evidence.models import EvidenceLink

    coordinator = world.a.users["coordinator"]
    EvidenceLink.objects.create(participation=earlier, indicator=1, version=old_version, created_by=coordinator)
    client = login(old_assessor)
    assert client.get(reverse("evidence:download", args=[old_version.pk])).status_code == 200
    assert client.get(reverse("evidence:download", args=[this_year.pk])).status_code == 404
    assert client.get(reverse("evidence:document", args=[old_version.document_id])).status_code == 404


def test_nothing_reaches_the_assessor_before_the_agency_submits(world: World, this_year: Any) -> None:
    assessor = _assessor("asesor-2025")
    AssessorAssignment.objects.create(round=world.round, agency=world.a.agency, assessor=assessor)
    client = login(assessor)
    pages = _pages(world, this_year)
    for name, url in pages.items():
        assert client.get(url).status_code == 404, name
    submit_through_services(world)
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
