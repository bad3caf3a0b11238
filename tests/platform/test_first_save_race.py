"""Two first saves of the same indicator at the same moment: the second gets the usual 409 with what changed.

The race is made deterministic: while the second request holds its (empty) lock, the first request's save lands
through the same service, so the second one's insert meets the unique constraint. On PostgreSQL two real threads
race as well.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from indeks import versioning
from indeks.assessment import services
from indeks.assessment.models import Answer
from indeks.audit.models import AuditEntry
from indeks.errors import EditConflict
from tests.platform.conftest import World, login

API = "/api/v1"


@pytest.fixture
def first_save_lands_meanwhile(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first time a save finds no row, the other person's first save lands before this one inserts."""
    real = versioning.lock_for_edit
    state = {"raced": False}

    def racing(queryset: Any, version: Any, **kwargs: Any) -> Any:
        found = real(queryset, version, **kwargs)
        if found.pk is None and not state["raced"]:
            state["raced"] = True
            services.save_answer(
                world.a.actor("respondent_hukum"),
                world.a.participation,
                1,
                level=4,
                fakta="Unit",
                analisis="A",
                version=0,
            )
        return found

    monkeypatch.setattr(services, "lock_for_edit", racing)


def test_the_service_raises_the_conflict_with_the_changes(world: World, first_save_lands_meanwhile: None) -> None:
    with pytest.raises(EditConflict) as raised:
        services.save_answer(
            world.a.actor("operator"), world.a.participation, 1, level=3, fakta="Operator", analisis="A", version=0
        )
    assert raised.value.changes == {"level": (4, 3), "fakta": ("Unit", "Operator")}
    assert raised.value.current.version == 1
    # (The simulated winner ran inside this transaction, so the refusal rolled it back too; nothing of the loser's
    # save was written: no audit entry of the operator.)
    assert not AuditEntry.objects.filter(action="answer.save", actor=world.a.users["operator"]).exists()


def test_the_api_answers_409(world: World, first_save_lands_meanwhile: None) -> None:
    client = login(world.a.users["operator"])
    response = client.put(
        f"{API}/participations/{world.a.participation.pk}/answers/1",
        {"level": 3, "fakta": "Operator", "analisis": "A"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["problems"] == [
        "level: 4 (saved) vs 3 (yours)",
        "fakta: 'Unit' (saved) vs 'Operator' (yours)",
    ]


def test_the_form_answers_409_and_shows_the_saved_answer(world: World, first_save_lands_meanwhile: None) -> None:
    from django.urls import reverse

    client = login(world.a.users["operator"])
    url = reverse("assessment:indicator", args=[world.a.participation.pk, 1])
    response = client.post(
        url, {"level": 3, "fakta": "Operator", "analisis": "A", "version": 0}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert "Unit" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_real_first_saves_at_once_on_postgresql(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent inserts: PostgreSQL (SQLite serialises writers)")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(who: str, fakta: str) -> None:  # one thread, one database connection
        from django.db import connections

        try:
            barrier.wait()
            services.save_answer(
                world.a.actor(who), world.a.participation, 2, level=3, fakta=fakta, analisis="A", version=0
            )
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        except Exception as error:  # anything else is the bug
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    for _ in range(5):
        Answer.objects.filter(indicator=2).delete()
        outcomes.clear()
        threads = [threading.Thread(target=save, args=(who, who)) for who in ("coordinator", "operator")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) in (["conflict", "saved"], ["saved", "saved"]), outcomes
