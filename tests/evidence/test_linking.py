"""Linking document versions to indicators (who may, when), reuse across rounds, and verification by assessors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from indeks.audit.models import AuditEntry
from indeks.errors import ActionRefused
from indeks.evidence import samples, selectors, services
from indeks.evidence.models import EvidenceLink
from indeks.registry.access import Actor
from indeks.registry.models import Role, RoleAssignment
from indeks.rounds.models import AssessorAssignment, Participation
from tests.platform.conftest import World, _user, close_window, open_round, submit_through_services

pytestmark = pytest.mark.usefixtures("english")
PDF = samples.text_pdf(["Peraturan Arsitektur SPBE"])


@pytest.fixture
def version(world: World, upload: Any) -> Any:
    return upload(world, "perwal.pdf", PDF, title="Perwal Arsitektur", number="12/2024")


def test_link_with_a_locator_to_many_indicators(world: World, version: Any) -> None:
    actor = world.a.actor("coordinator")
    first = services.link(actor, world.a.participation, 1, version, "Pasal 5, hal. 3")
    services.link(actor, world.a.participation, 11, version, "Lampiran I")
    assert first.locator == "Pasal 5, hal. 3"
    assert sorted(EvidenceLink.objects.values_list("indicator", flat=True)) == [1, 11]
    again = services.link(actor, world.a.participation, 1, version, "Pasal 6")
    assert again.pk == first.pk
    assert again.locator == "Pasal 6"
    entry = AuditEntry.objects.filter(action="evidence.attach", indicator=1).get()
    assert entry.note == "Pasal 5, hal. 3"
    assert entry.participation_id == world.a.participation.pk


@pytest.mark.parametrize(
    ("who", "indicator", "allowed"),
    [
        ("coordinator", 20, True),
        ("operator", 20, True),
        ("respondent_hukum", 1, True),  # owning unit
        ("respondent_kominfo", 1, True),  # contributing unit
        ("respondent_bappeda", 1, False),
        ("respondent_hukum", 20, False),
        ("official", 1, False),
        ("leadership", 1, False),
    ],
)
def test_who_may_link_follows_edit_answer(world: World, version: Any, who: str, indicator: int, allowed: bool) -> None:
    actor = world.a.actor(who)
    if allowed:
        services.link(actor, world.a.participation, indicator, version)
        assert EvidenceLink.objects.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.link(actor, world.a.participation, indicator, version)
        assert not EvidenceLink.objects.exists()


def test_national_admin_and_other_agencies_cannot_link(world: World, version: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.link(world.admin_actor(), world.a.participation, 1, version)
    with pytest.raises(PermissionDenied):
        services.link(world.b.actor("coordinator"), world.a.participation, 1, version)
    with pytest.raises(ActionRefused, match="not in the agency"):
        services.link(world.b.actor("coordinator"), world.b.participation, 1, version)


def test_links_are_refused_when_locked_or_closed(world: World, version: Any) -> None:
    actor = world.a.actor("coordinator")
    link = services.link(actor, world.a.participation, 1, version)
    close_window(world.a.participation)
    with pytest.raises(ActionRefused, match="closed"):
        services.link(actor, world.a.participation, 2, version)
    with pytest.raises(ActionRefused, match="closed"):
        services.unlink(actor, link)
    Participation.objects.filter(pk=world.a.participation.pk).update(status="signing")
    world.a.participation.refresh_from_db()
    with pytest.raises(ActionRefused, match="locked"):
        services.link(actor, world.a.participation, 2, version)


def test_unknown_indicator_is_refused(world: World, version: Any) -> None:
    with pytest.raises(ActionRefused, match="not in this round"):
        services.link(world.a.actor("coordinator"), world.a.participation, 99, version)


def test_unlink_is_audited(world: World, version: Any) -> None:
    actor = world.a.actor("respondent_hukum")
    link = services.link(actor, world.a.participation, 3, version)
    services.unlink(actor, link)
    assert not EvidenceLink.objects.exists()
    assert AuditEntry.objects.filter(action="evidence.detach", indicator=3, old="Perwal Arsitektur v1").exists()


def test_documents_carry_over_to_the_next_round(world: World, version: Any) -> None:
    services.link(world.a.actor("coordinator"), world.a.participation, 1, version, "Pasal 5")
    Participation.objects.filter(pk=world.a.participation.pk).update(status="submitted")
    next_round = open_round(2026)
    following = Participation.objects.create(round=next_round, agency=world.a.agency, activity="evaluasi")
    services.link(world.a.actor("coordinator"), following, 1, version, "Pasal 5")
    uses = selectors.usages(version.document)
    assert [(u.participation.round.year, u.indicator) for u in uses] == [(2026, 1), (2025, 1)]


def test_deleted_documents_disappear_from_indicators(world: World, version: Any) -> None:
    services.link(world.a.actor("coordinator"), world.a.participation, 1, version)
    services.delete_document(world.a.actor("coordinator"), version.document)
    assert list(selectors.live_links(world.a.participation, 1)) == []
    with pytest.raises(ActionRefused):
        services.link(world.a.actor("coordinator"), world.a.participation, 2, version)


def assessor(world: World, *, assigned: bool = True) -> Actor:
    user = _user(f"asesor-{assigned}")
    RoleAssignment.objects.create(user=user, role=Role.ASSESSOR)
    if assigned:
        AssessorAssignment.objects.create(round=world.round, agency=world.a.agency, assessor=user)
    return Actor.of(user)


def test_assigned_assessor_verifies_with_a_note_and_it_is_audited(world: World, version: Any) -> None:
    link = services.link(world.a.actor("coordinator"), world.a.participation, 1, version)
    tae = assessor(world)
    with pytest.raises(PermissionDenied):  # nothing of a draft self-assessment reaches the assessor
        services.verify_link(tae, link, "diterima")
    submit_through_services(world)
    with pytest.raises(ActionRefused, match="Write a note"):
        services.verify_link(tae, link, "perlu_revisi", "  ")
    services.verify_link(tae, link, "perlu_revisi", "Lampirkan halaman pengesahan.")
    link.refresh_from_db()
    assert (link.verification, link.verification_note, link.verified_by) == (
        "perlu_revisi",
        "Lampirkan halaman pengesahan.",
        tae.user,
    )
    entry = AuditEntry.objects.filter(action="evidence.verify").get()
    assert (entry.old, entry.new, entry.indicator) == ("pending", "perlu_revisi", 1)
    services.verify_link(world.admin_actor(), link, "diterima")
    link.refresh_from_db()
    assert link.verification == "diterima"


@pytest.mark.parametrize("who", ["coordinator", "official", "leadership", "respondent_hukum"])
def test_agency_users_cannot_verify(world: World, version: Any, who: str) -> None:
    link = services.link(world.a.actor("coordinator"), world.a.participation, 1, version)
    with pytest.raises(PermissionDenied):
        services.verify_link(world.a.actor(who), link, "diterima")


def test_unassigned_assessor_cannot_verify(world: World, version: Any) -> None:
    link = services.link(world.a.actor("coordinator"), world.a.participation, 1, version)
    with pytest.raises(PermissionDenied):
        services.verify_link(assessor(world, assigned=False), link, "diterima")
    with pytest.raises(ActionRefused, match="Choose a verification"):
        services.verify_link(world.admin_actor(), link, "maybe")
