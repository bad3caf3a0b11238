"""The REST API (/api/v1): visibility, the result against the engine, optimistic locking, CSRF, scope."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from indeks.assessment.models import Answer, AnswerStatus
from indeks.cli.render import result_json
from indeks.core.engine import compute
from indeks.core.numbers import exact_str
from indeks.registry.models import Role, RoleAssignment
from indeks.rounds.models import Participation
from tests.platform.conftest import (
    World,
    add_answer,
    close_window,
    login,
    open_round,
    previous_participation,
    snapshot,
)

pytestmark = pytest.mark.usefixtures("english")
API = "/api/v1"


def _put(client: Any, pid: int, number: int, **payload: Any) -> Any:
    return client.put(f"{API}/participations/{pid}/answers/{number}", payload, content_type="application/json")


def _post(client: Any, pid: int, number: int, action: str, payload: dict[str, Any] | None = None) -> Any:
    return client.post(
        f"{API}/participations/{pid}/answers/{number}/{action}", payload or {}, content_type="application/json"
    )


# --- visibility -----------------------------------------------------------------------------------------------------


def test_list_shows_only_visible_participations(world: World) -> None:
    earlier = previous_participation(world.a)
    later_round = open_round(2026)
    Participation.objects.create(round=later_round, agency=world.b.agency, activity="pemantauan")

    def ids(user: Any) -> list[int]:
        response = login(user).get(f"{API}/participations")
        assert response.status_code == 200
        return [p["id"] for p in response.json()]

    a_ids = ids(world.a.users["respondent_bappeda"])
    assert a_ids == [world.a.participation.pk, earlier.pk]  # newest round first
    assert ids(world.a.users["leadership"]) == a_ids
    b_ids = ids(world.b.users["coordinator"])
    assert set(b_ids) == set(Participation.objects.filter(agency=world.b.agency).values_list("pk", flat=True))
    assert not set(a_ids) & set(b_ids)
    assert set(ids(world.admin)) == set(Participation.objects.values_list("pk", flat=True))

    item = login(world.a.users["coordinator"]).get(f"{API}/participations").json()[0]
    assert item == {
        "id": world.a.participation.pk,
        "agency_code": "51.71",
        "agency_name": "Kota Denpasar",
        "round": "Evaluasi SPBE 2025",
        "year": 2025,
        "framework": "spbe-2020",
        "activity": "evaluasi",
        "status": "mandiri",
    }


def test_user_with_roles_in_two_agencies_sees_both(world: World) -> None:
    user = world.a.users["official"]
    RoleAssignment.objects.create(user=user, role=Role.LEADERSHIP, agency=world.b.agency)
    ids = {p["id"] for p in login(user).get(f"{API}/participations").json()}
    assert ids == {world.a.participation.pk, world.b.participation.pk}


def test_user_without_any_role_sees_nothing(world: World) -> None:
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user(username="tanpa-peran", password="x" * 12)
    client = login(nobody)
    assert client.get(f"{API}/participations").json() == []
    assert client.get(f"{API}/participations/{world.a.participation.pk}/result").status_code == 404


def test_anonymous_gets_401(world: World) -> None:
    client = login(None)
    pid = world.a.participation.pk
    before = snapshot()
    assert client.get(f"{API}/participations").status_code == 401
    assert client.get(f"{API}/participations/{pid}/result").status_code == 401
    assert client.get(f"{API}/participations/{pid}/answers").status_code == 401
    assert _put(client, pid, 1, level=3, fakta="f", analisis="a").status_code == 401
    assert _post(client, pid, 1, "submit").status_code == 401
    assert snapshot() == before


# --- the result -----------------------------------------------------------------------------------------------------


def _levels(participation: Participation) -> dict[int, int]:
    return dict(
        Answer.objects.filter(participation=participation, stage="mandiri", level__isnull=False).values_list(
            "indicator", "level"
        )
    )


def test_result_matches_the_engine_with_missing_levels(world: World) -> None:
    p = world.a.participation
    for number, level in {1: 5, 2: 4, 3: 1, 11: 3, 20: 2, 47: 5}.items():
        add_answer(p, number, level=level)
    add_answer(p, 30, level=None)  # an answer without a level counts as missing
    response = login(world.a.users["leadership"]).get(f"{API}/participations/{p.pk}/result")
    assert response.status_code == 200
    data = response.json()

    expected = compute(p.round.framework, _levels(p), allow_missing=True)
    assert data == result_json(expected)
    assert set(data) == {"framework", "index", "domains", "aspects", "filled_in"}
    assert data["framework"] == "spbe-2020"
    assert data["index"] == {
        "exact": exact_str(expected.index.exact),
        "value": format(expected.index.value, "f"),
        "predicate": expected.index.predicate.name,
    }
    assert [d["code"] for d in data["domains"]] == [d.code for d in expected.domains]
    assert [a["value"] for a in data["aspects"]] == [format(a.value, "f") for a in expected.aspects]
    assert data["filled_in"] == sorted(set(range(1, 48)) - {1, 2, 3, 11, 20, 47})


def test_result_of_a_complete_self_assessment_matches_the_strict_engine(world: World) -> None:
    p = world.a.participation
    for number in range(1, 48):
        add_answer(p, number, level=(number % 5) + 1)
    data = login(world.admin).get(f"{API}/participations/{p.pk}/result").json()
    strict = compute(p.round.framework, {n: (n % 5) + 1 for n in range(1, 48)})
    assert data == result_json(strict)
    assert data["filled_in"] == []


def test_result_follows_saves(world: World) -> None:
    client = login(world.a.users["coordinator"])
    p = world.a.participation
    empty = client.get(f"{API}/participations/{p.pk}/result").json()
    assert len(empty["filled_in"]) == 47
    assert _put(client, p.pk, 1, level=5, fakta="f", analisis="a").status_code == 200
    after = client.get(f"{API}/participations/{p.pk}/result").json()
    assert after == result_json(compute(p.round.framework, {1: 5}, allow_missing=True))
    assert after["index"]["exact"] != empty["index"]["exact"]


# --- answers and optimistic locking ---------------------------------------------------------------------------------


def test_answers_list(world: World) -> None:
    p = world.a.participation
    add_answer(p, 2, level=4, status=AnswerStatus.ACCEPTED)
    add_answer(p, 1, level=None, fakta="", analisis="", needs_recheck=True)
    add_answer(p, 3, level=2, stage="dokumen")  # another stage is not the self-assessment
    add_answer(world.b.participation, 1, level=5)
    data = login(world.a.users["respondent_bappeda"]).get(f"{API}/participations/{p.pk}/answers").json()
    assert data == [
        {
            "indicator": 1,
            "level": None,
            "fakta": "",
            "analisis": "",
            "status": "draft",
            "needs_recheck": True,
            "version": 1,
        },
        {
            "indicator": 2,
            "level": 4,
            "fakta": "Fakta tersedia",
            "analisis": "Analisis tersedia",
            "status": "accepted",
            "needs_recheck": False,
            "version": 1,
        },
    ]


def test_put_creates_then_updates_with_the_version(world: World) -> None:
    client = login(world.a.users["respondent_hukum"])
    pid = world.a.participation.pk
    created = _put(client, pid, 1, level=2, fakta="Fakta", analisis="Analisis")
    assert created.status_code == 200
    assert created.json()["version"] == 1
    updated = _put(client, pid, 1, level=3, fakta="Fakta baru", analisis="Analisis", version=1)
    assert updated.status_code == 200
    assert (updated.json()["level"], updated.json()["version"]) == (3, 2)
    answer = Answer.objects.get(participation_id=pid, indicator=1)
    assert (answer.level, answer.fakta, answer.updated_by) == (3, "Fakta baru", world.a.users["respondent_hukum"])


def test_put_with_a_stale_version_is_409_with_the_changes(world: World) -> None:
    pid = world.a.participation.pk
    assert _put(login(world.a.users["coordinator"]), pid, 1, level=2, fakta="Awal", analisis="A").status_code == 200
    assert (
        _put(login(world.a.users["respondent_hukum"]), pid, 1, level=4, fakta="Unit", analisis="A", version=1)
    ).status_code == 200
    before = snapshot()
    response = _put(login(world.a.users["operator"]), pid, 1, level=3, fakta="Operator", analisis="A", version=1)
    assert response.status_code == 409
    body = response.json()
    assert "Someone else saved" in body["detail"]
    assert body["problems"] == ["level: 4 (saved) vs 3 (yours)", "fakta: 'Unit' (saved) vs 'Operator' (yours)"]
    assert snapshot() == before
    assert Answer.objects.get(participation_id=pid, indicator=1).fakta == "Unit"


def test_put_refusals_are_400_with_a_message(world: World) -> None:
    client = login(world.a.users["coordinator"])
    pid = world.a.participation.pk
    before = snapshot()
    response = _put(client, pid, 1, level=9, fakta="f", analisis="a")
    assert response.status_code == 400
    assert response.json()["detail"] == "The level must be between 1 and 5."
    response = _put(client, pid, 1, level=3, fakta="f", analisis="a", version=7)
    assert response.status_code == 400
    assert "no longer exists" in response.json()["detail"]
    response = _put(client, pid, 1, level="abc", fakta="f", analisis="a")
    assert response.status_code == 422
    assert snapshot() == before
    close_window(world.a.participation)
    before = snapshot()
    response = _put(client, pid, 1, level=3, fakta="f", analisis="a")
    assert response.status_code == 400
    assert "closed on" in response.json()["detail"]
    assert snapshot() == before


def test_put_by_a_read_only_role_is_403(world: World) -> None:
    before = snapshot()
    for who in ("leadership", "official", "respondent_bappeda"):
        response = _put(login(world.a.users[who]), world.a.participation.pk, 1, level=3, fakta="f", analisis="a")
        assert response.status_code == 403, who
        assert response["Content-Type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank",
            "title": "Not allowed",
            "status": 403,
            "detail": "Your role does not allow this here.",
        }
    assert snapshot() == before


def test_workflow_actions(world: World) -> None:
    pid = world.a.participation.pk
    unit, coordinator = login(world.a.users["respondent_hukum"]), login(world.a.users["coordinator"])
    assert _put(unit, pid, 1, level=3, fakta="f", analisis="a").status_code == 200
    response = _post(coordinator, pid, 1, "accept")
    assert response.status_code == 400
    assert "that step is not possible now" in response.json()["detail"]
    assert _post(unit, pid, 1, "submit").json()["status"] == "submitted"
    assert _post(unit, pid, 1, "accept").status_code == 403
    before = snapshot()
    response = _post(coordinator, pid, 1, "return")
    assert response.status_code == 400
    assert response.json()["detail"] == "Write a note saying what must be revised."
    assert snapshot() == before
    returned = _post(coordinator, pid, 1, "return", {"note": "Tambahkan bukti."})
    assert returned.json()["status"] == "returned"
    assert _post(unit, pid, 1, "submit").json()["status"] == "submitted"
    assert _post(coordinator, pid, 1, "accept").json()["status"] == "accepted"
    # the steps without a note take an empty body, or an empty object
    add_answer(world.a.participation, 3, needs_recheck=True)
    add_answer(world.a.participation, 4, needs_recheck=True)
    empty = coordinator.post(f"{API}/participations/{pid}/answers/3/recheck", "", content_type="application/json")
    assert empty.status_code == 200
    assert empty.json()["needs_recheck"] is False
    assert _post(coordinator, pid, 4, "recheck", {}).json()["needs_recheck"] is False


# --- CSRF and scope -------------------------------------------------------------------------------------------------


def test_csrf_is_enforced_for_session_authenticated_unsafe_requests(world: World) -> None:
    client = login(world.a.users["coordinator"], enforce_csrf_checks=True)
    pid = world.a.participation.pk
    add_answer(world.a.participation, 2, status=AnswerStatus.SUBMITTED)
    before = snapshot()
    assert _put(client, pid, 1, level=3, fakta="f", analisis="a").status_code == 403
    assert _post(client, pid, 2, "accept").status_code == 403
    wrong = client.put(
        f"{API}/participations/{pid}/answers/1",
        json.dumps({"level": 3, "fakta": "f", "analisis": "a"}),
        content_type="application/json",
        headers={"X-CSRFToken": "x" * 32},
    )
    assert wrong.status_code == 403
    assert snapshot() == before
    # reading needs no token
    assert client.get(f"{API}/participations/{pid}/answers").status_code == 200

    # with the token a page gave it, the same requests go through
    client.get(reverse("assessment:indicator", args=(pid, 1)))
    token = client.cookies["csrftoken"].value
    response = client.put(
        f"{API}/participations/{pid}/answers/1",
        json.dumps({"level": 3, "fakta": "f", "analisis": "a"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    response = client.post(
        f"{API}/participations/{pid}/answers/2/accept",
        "{}",
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert Answer.objects.get(participation_id=pid, indicator=2).status == AnswerStatus.ACCEPTED


def test_csrf_is_enforced_on_the_pages_too(world: World) -> None:
    client = login(world.a.users["coordinator"], enforce_csrf_checks=True)
    before = snapshot()
    response = client.post(
        reverse("assessment:indicator", args=(world.a.participation.pk, 1)),
        {"level": "3", "fakta": "f", "analisis": "a", "version": "0"},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_out_of_scope_is_404(world: World) -> None:
    client = login(world.a.users["coordinator"])
    add_answer(world.b.participation, 1, status=AnswerStatus.SUBMITTED)
    missing = Participation.objects.order_by("-pk").first().pk + 100
    before = snapshot()
    for pid in (world.b.participation.pk, missing):
        assert client.get(f"{API}/participations/{pid}/result").status_code == 404
        assert client.get(f"{API}/participations/{pid}/answers").status_code == 404
        assert _put(client, pid, 1, level=3, fakta="f", analisis="a", version=1).status_code == 404
        for action in ("submit", "accept", "return", "recheck"):
            assert _post(client, pid, 1, action, {"note": "n"}).status_code == 404
    for number in (0, 48, 999):
        assert _put(client, world.a.participation.pk, number, level=3, fakta="f", analisis="a").status_code == 404
        assert _post(client, world.a.participation.pk, number, "submit").status_code == 404
    assert _post(client, world.a.participation.pk, 1, "approve").status_code == 404
    assert snapshot() == before
    assert Answer.objects.get(participation=world.b.participation, indicator=1).status == AnswerStatus.SUBMITTED
