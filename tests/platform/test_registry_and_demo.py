"""The shipped agency registry, the demo round, and the migrations being complete."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from indeks.assessment.models import Answer
from indeks.demo.builder import DEMO_AGENCIES, FEATURED, PASSWORD, accounts_for, build_demo
from indeks.registry.models import Agency, AgencyKind, Role, RoleAssignment
from indeks.registry.services import import_registry
from indeks.rounds.models import Participation, ParticipationStatus


@pytest.mark.django_db
def test_registry_counts_and_provinces() -> None:
    created, updated = import_registry()
    kinds = Counter(Agency.objects.values_list("kind", flat=True))
    # 38 provinces, 415 regencies and 93 cities (the administrative ones of DKI Jakarta are not evaluated).
    assert kinds[AgencyKind.PROVINSI] == 38
    assert kinds[AgencyKind.KABUPATEN] == 415
    assert kinds[AgencyKind.KOTA] == 93
    assert kinds[AgencyKind.KEMENTERIAN] >= 40
    assert created == sum(kinds.values())
    assert updated == 0
    denpasar = Agency.objects.get(code="51.71")
    assert denpasar.name == "Kota Denpasar"
    assert denpasar.province is not None
    assert denpasar.province.name == "Provinsi Bali"
    assert not Agency.objects.filter(kind__in=[AgencyKind.PROVINSI, "lembaga", "kementerian"], province__isnull=False)
    assert Agency.objects.filter(kind__in=[AgencyKind.KABUPATEN, AgencyKind.KOTA], province__isnull=True).count() == 0
    # Running it again changes nothing.
    assert import_registry() == (0, 0)


@pytest.mark.django_db
def test_demo_round_covers_every_type_and_stage() -> None:
    build_demo()
    current = Participation.objects.filter(round__year=2025).select_related("agency")
    assert current.count() == len(DEMO_AGENCIES) >= 30
    assert {p.agency.kind for p in current} == set(AgencyKind.values)
    statuses = Counter(p.status for p in current)
    assert statuses[ParticipationStatus.SUBMITTED] >= 3
    assert statuses[ParticipationStatus.SIGNING] >= 1
    assert statuses[ParticipationStatus.MANDIRI] >= 10
    answered = Counter(Answer.objects.filter(participation__round__year=2025).values_list("participation", flat=True))
    assert min(answered.values()) > 0
    assert len(answered) < len(DEMO_AGENCIES)  # some agencies have not started
    roles = {a.role for a in RoleAssignment.objects.filter(agency__code=FEATURED)}
    assert roles == {Role.COORDINATOR, Role.OFFICIAL, Role.OPERATOR, Role.LEADERSHIP, Role.RESPONDENT}
    assert accounts_for(FEATURED)[0][0] == "admin"
    with pytest.raises(RuntimeError):
        build_demo()


@pytest.mark.django_db
def test_demo_is_deterministic() -> None:
    from django.db import transaction

    fingerprints = []
    for _ in range(2):
        with transaction.atomic():
            build_demo()
            fingerprints.append(
                sorted(Answer.objects.values_list("participation__agency__code", "stage", "indicator", "level"))
            )
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
    assert len(fingerprints[0]) > 3000


@pytest.mark.django_db
def test_demo_accounts_sign_in(client: object) -> None:
    build_demo()
    for username, _, _ in accounts_for(FEATURED):
        # Through the login page: django-axes' backend checks every sign-in against its request.
        response = client.post("/login/", {"username": username, "password": PASSWORD})  # type: ignore[attr-defined]
        assert response.status_code == 302, username
        client.post("/logout/")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_grant_role_is_audited_once() -> None:
    from django.contrib.auth import get_user_model

    from indeks.audit.models import AuditEntry
    from indeks.registry.services import grant_role

    import_registry()
    agency = Agency.objects.get(code="51.71")
    admin = get_user_model().objects.create(username="admin-x")
    person = get_user_model().objects.create(username="koordinator-baru")
    first = grant_role(admin, person, Role.COORDINATOR, agency)
    again = grant_role(admin, person, Role.COORDINATOR, agency)
    assert first.pk == again.pk
    entries = AuditEntry.objects.filter(action="role.grant", agency=agency)
    assert entries.count() == 1
    assert entries.get().actor == admin
