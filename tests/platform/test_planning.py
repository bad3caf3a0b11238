"""The planner in the platform: roadmap, saving and comparing plans, tracked actions, simulator, exports, agenda."""

from __future__ import annotations

import io
from datetime import timedelta
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from indeks.assessment.models import Answer, AnswerStatus
from indeks.audit.models import AuditEntry
from indeks.core.engine import compute
from indeks.core.planner import plan as core_plan
from indeks.planning.models import ActionStatus, Plan, PlanAction
from indeks.rounds.models import ActivityType, Participation, Round, StageWindow
from tests.platform.conftest import World


def _answers(world: World, level: int = 2) -> dict[int, int]:
    levels = {n: level for n in range(1, 48)}
    Answer.objects.bulk_create(
        Answer(
            participation=world.a.participation,
            indicator=n,
            level=lv,
            fakta="f",
            analisis="a",
            status=AnswerStatus.ACCEPTED,
        )
        for n, lv in levels.items()
    )
    return levels


def _post_plan(client: object, world: World, **extra: object) -> object:
    data = {"target_kind": "predicate", "predicate": "Baik", "baseline": "current", "max_step": "1", **extra}
    return client.post(reverse("planning:planner", args=(world.a.participation.pk,)), data)  # type: ignore[attr-defined]


def test_roadmap_is_the_optimal_plan_with_criteria_and_owner(world: World) -> None:
    levels = _answers(world)
    response = _post_plan(world.a.client("coordinator"), world)
    assert response.status_code == 200
    expected = core_plan(world.round.framework, levels, Fraction("2.6"), max_step=1)
    roadmap = response.context["roadmap"]
    assert {r["step"].indicator for r in roadmap} == {s.indicator for s in expected.steps}
    assert response.context["result"].cost == expected.cost
    html = response.content.decode()
    first = roadmap[0]
    assert first["criteria"].criteria in html  # the target level's criteria from the framework file
    assert first["owner"] == "Dinas Kominfo Kota Denpasar"  # 11-47 belong to Kominfo in the fixture
    # The index after each step climbs to the target.
    values = [r["after"].index.exact for r in roadmap]
    assert values == sorted(values)
    assert values[-1] >= Fraction("2.6")


def test_unreachable_target_is_explained(world: World) -> None:
    _answers(world, 1)
    response = _post_plan(world.a.client("coordinator"), world, predicate="Memuaskan")
    assert response.status_code == 200
    assert response.context["unreachable"].index.exact == 2  # max-step 1 from all level 1
    assert "best reachable index" in response.content.decode() or "terbaik" in response.content.decode()


def test_bad_target_value_is_a_form_error(world: World) -> None:
    response = _post_plan(world.a.client("coordinator"), world, target_kind="value", value="tinggi")
    assert response.status_code == 400
    assert response.context["form"].errors["value"]


def test_costs_file_errors_name_the_row(world: World) -> None:
    _answers(world)
    upload = io.BytesIO(b"indicator,cost\n12,-3\n")
    upload.name = "biaya.csv"
    response = _post_plan(world.a.client("coordinator"), world, costs=upload)
    assert response.status_code == 400
    assert "row 2 (indicator 12)" in str(response.context["form"].errors["costs"])


def test_save_compare_track_and_update_actions(world: World) -> None:
    _answers(world)
    client = world.a.client("coordinator")
    first = _post_plan(client, world)
    save = first.context["save"]
    response = client.post(reverse("planning:save", args=(world.a.participation.pk,)), {**save, "name": "Ke Baik"})
    plan = Plan.objects.get(name="Ke Baik")
    assert response.status_code == 302
    assert sorted(s["indicator"] for s in plan.steps) == sorted(r["step"].indicator for r in first.context["roadmap"])
    assert all(s["from"] == 2 and s["to"] == 3 and s["cost"] == "1" for s in plan.steps)
    second = _post_plan(client, world, max_step="2", predicate="Sangat Baik")
    client.post(reverse("planning:save", args=(world.a.participation.pk,)), {**second.context["save"], "name": "Ke SB"})
    other = Plan.objects.get(name="Ke SB")
    compare = client.get(reverse("planning:plans", args=(world.a.participation.pk,)), {"compare": [plan.pk, other.pk]})
    assert len(compare.context["comparison"]) >= len(other.steps)
    # Track: one action per step, owned by the indicator's owning unit.
    client.post(reverse("planning:track", args=(world.a.participation.pk, plan.pk)))
    actions = list(PlanAction.objects.filter(plan=plan))
    assert len(actions) == len(plan.steps)
    assert {a.owner.name for a in actions} <= {"Dinas Kominfo Kota Denpasar", "Bagian Hukum Kota Denpasar"}
    action = actions[0]
    unit_key = "respondent_kominfo" if action.owner.name.startswith("Dinas Kominfo") else "respondent_hukum"
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    world.a.client(unit_key).post(
        reverse("planning:action", args=(world.a.participation.pk, action.pk)),
        {"status": ActionStatus.DONE, "due": due, "version": action.version},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert AuditEntry.objects.filter(action="plan.action", indicator=action.indicator).exists()
    # A stale version is refused and changes nothing.
    world.a.client("coordinator").post(
        reverse("planning:action", args=(world.a.participation.pk, action.pk)),
        {"status": ActionStatus.TODO, "due": "", "version": 1},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    dashboard = client.get(reverse("assessment:dashboard", args=(world.a.participation.pk,)))
    assert dashboard.context["actions"] == {"total": len(actions), "done": 1}


def test_who_may_save_and_update(world: World) -> None:
    _answers(world)
    leader = world.a.client("leadership")
    page = _post_plan(leader, world)
    assert page.status_code == 200  # leaders may explore plans
    response = leader.post(
        reverse("planning:save", args=(world.a.participation.pk,)), {**page.context["save"], "name": "X"}
    )
    assert response.status_code == 403
    assert not Plan.objects.exists()
    # Another agency cannot open this agency's planner or plans.
    other = world.b.client("coordinator")
    assert other.get(reverse("planning:planner", args=(world.a.participation.pk,))).status_code == 404
    assert other.get(reverse("planning:plans", args=(world.a.participation.pk,))).status_code == 404


def test_exports(world: World) -> None:
    _answers(world)
    client = world.a.client("coordinator")
    page = _post_plan(client, world)
    client.post(reverse("planning:save", args=(world.a.participation.pk,)), {**page.context["save"], "name": "E"})
    plan = Plan.objects.get()
    xlsx = client.get(reverse("planning:export_xlsx", args=(world.a.participation.pk, plan.pk)))
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert sorted(numbers) == sorted(s["indicator"] for s in plan.steps)
    pdf = client.get(reverse("planning:export_pdf", args=(world.a.participation.pk, plan.pk)))
    assert pdf.content.startswith(b"%PDF")
    assert (
        world.b.client("coordinator")
        .get(reverse("planning:export_xlsx", args=(world.a.participation.pk, plan.pk)))
        .status_code
        == 404
    )


def test_simulator_moves_index_predicate_and_rank(world: World) -> None:
    levels = _answers(world)
    previous = Round.objects.create(year=2024, name="Evaluasi SPBE 2024", framework_id="spbe-2020")
    StageWindow.objects.create(
        round=previous,
        stage="mandiri",
        opens=timezone.now() - timedelta(days=400),
        closes=timezone.now() - timedelta(days=300),
    )
    participations = {}
    for agency, level in ((world.a.agency, 2), (world.b.agency, 3)):
        p = Participation.objects.create(round=previous, agency=agency, activity=ActivityType.PEMANTAUAN)
        participations[agency.pk] = (p, level)
        Answer.objects.bulk_create(
            Answer(participation=p, indicator=n, stage="dokumen", level=level) for n in range(1, 48)
        )
    client = world.a.client("operator")
    url = reverse("planning:simulator", args=(world.a.participation.pk,))
    # Before publication nobody's earlier result is used: no rank (an agency never sees unpublished data).
    assert client.get(url).context["rank_after"] is None
    from indeks.results.models import Snapshot, SnapshotResult

    snapshot = Snapshot.objects.create(
        round=previous, revision=1, finalised_by=world.admin, published_at=timezone.now(), published_by=world.admin
    )
    for agency_id, (p, level) in participations.items():
        SnapshotResult.objects.create(
            snapshot=snapshot,
            participation=p,
            agency_id=agency_id,
            levels={str(n): level for n in range(1, 48)},
            index_exact=f"{level}.00",
            index_value=level,
            predicate="Baik",
        )
    from django.core.cache import cache

    cache.clear()
    start = client.get(url)
    assert start.context["rank_after"] == (2, 2)  # Bandung had 3.00 last year
    changed = {f"level-{n}": "4" for n in range(1, 48)}
    response = client.post(url, changed, HTTP_HX_REQUEST="true")
    assert (
        response.context["after"].index.exact
        == compute(world.round.framework, {**levels, **dict.fromkeys(levels, 4)}).index.exact
    )
    assert response.context["rank_after"] == (1, 2)
    assert response.templates[0].name == "planning/_simulation.html"
    bad = client.post(url, {"level-3": "9"}, HTTP_HX_REQUEST="true")
    assert bad.context["after"].levels[3] == 2  # an impossible level is ignored


def test_national_agenda_for_admin_only(world: World) -> None:
    _answers(world)
    client = world.a.client("coordinator")
    url = reverse("planning:agenda", args=(world.round.pk,))
    assert client.get(url).status_code == 403
    client.force_login(world.admin)
    response = client.get(url, {"kind": "kota", "predicate": "Baik", "max_step": "1"})
    assert response.status_code == 200
    agenda = response.context["agenda"]
    assert agenda.agencies == 1  # only Denpasar has levels
    expected = core_plan(world.round.framework, {n: 2 for n in range(1, 48)}, Fraction("2.6"), max_step=1)
    assert {i.indicator for i in agenda.items} == {s.indicator for s in expected.steps}


@pytest.mark.parametrize("name", ["planning:planner", "planning:simulator", "planning:plans"])
def test_planner_pages_within_query_budget(world: World, name: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _answers(world)
    client = world.a.client("coordinator")
    url = reverse(name, args=(world.a.participation.pk,))
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 12
