"""The planner under hostile input (issue 9): tiny costs files that hung a worker, zip bombs, oversized files, and
tampered hidden fields. Each answers 400 quickly with a message on the page, for every agency role."""

from __future__ import annotations

import io
import json
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from indeks.assessment.models import Answer, AnswerStatus
from indeks.planning.models import Plan
from tests.hostile_files import xlsx_bytes, zip_bomb
from tests.platform.conftest import World, login

LIMIT = 10.0  # seconds, for a loaded test machine; a refusal takes milliseconds, the bug ran until the worker died


def _answers(world: World, level: int = 2) -> None:
    Answer.objects.bulk_create(
        Answer(
            participation=world.a.participation,
            indicator=n,
            level=level,
            fakta="f",
            analisis="a",
            status=AnswerStatus.ACCEPTED,
        )
        for n in range(1, 48)
    )


def within(seconds: float, request: Callable[[], HttpResponse]) -> tuple[int, str]:
    """(status, page) of ``request()`` (a test-client call) run in a forked child of this test process, which is
    killed when it has not answered within ``seconds``: the hang this guards against holds the GIL in C code, so
    neither a thread nor a signal could stop it. The child sees the test's data; what it writes stays in the child."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(read_end)
        try:
            response = request()
            payload = pickle.dumps((response.status_code, response.content.decode()))
        except BaseException as error:
            payload = pickle.dumps((-1, repr(error)))
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    with os.fdopen(read_end, "rb") as answer:
        while True:
            ready, _, _ = select.select([answer], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
                pytest.fail(f"no answer within {seconds} s")
            chunk = os.read(answer.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    os.waitpid(child, 0)
    status, page = pickle.loads(b"".join(chunks))
    assert status != -1, page
    return status, page


def _post(client: Client, world: World, **extra: object) -> Any:
    data = {"target_kind": "predicate", "predicate": "Baik", "baseline": "current", "max_step": "1", **extra}
    return client.post(reverse("planning:planner", args=(world.a.participation.pk,)), data)


def _post_within(client: Client, world: World, **extra: object) -> tuple[int, str]:
    client.get(reverse("planning:planner", args=(world.a.participation.pk,)))  # warm: the child starts from here
    return within(LIMIT, lambda: _post(client, world, **extra))


def _upload(name: str, content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.mark.parametrize("role", ["leadership", "operator", "coordinator", "respondent_kominfo"])
def test_the_29_byte_costs_file_is_refused_quickly_for_every_role(world: World, role: str) -> None:
    _answers(world)
    status, html = _post_within(
        world.a.client(role), world, costs=_upload("biaya.csv", b"indicator,cost\n1,1e999999999\n")
    )
    assert status == 400
    assert "biaya.csv: row 2 (indicator 1): cost &#x27;1e999999999&#x27; is not a number &gt;= 0" in html
    assert "written with an exponent" in html


def test_a_zip_bomb_costs_workbook_is_refused_quickly(world: World) -> None:
    _answers(world)
    status, html = _post_within(world.a.client("leadership"), world, costs=_upload("biaya.xlsx", zip_bomb(400)))
    assert status == 400
    assert "decompresses to 400 MB, more than the limit of 20 MB" in html


def test_an_oversized_costs_file_is_refused(world: World) -> None:
    _answers(world)
    big = b"indicator,cost\n" + b"1,1\n" * (6 * 1024 * 1024 // 4)
    status, html = _post_within(world.a.client("coordinator"), world, costs=_upload("biaya.csv", big))
    assert status == 400
    assert "biaya.csv: the file is larger than the limit of 5 MB" in html


def test_a_costs_file_with_too_many_rows_is_refused(world: World) -> None:
    _answers(world)
    rows = b"indicator,cost\n" + b"1,1\n" * 10_001
    response = _post(world.a.client("coordinator"), world, costs=_upload("biaya.csv", rows))
    assert response.status_code == 400
    assert "biaya.csv: the file has more than 10,000 rows (the limit)" in response.content.decode()


def test_a_good_costs_workbook_is_used_and_carried_to_the_next_computation(world: World) -> None:
    _answers(world)
    client = world.a.client("coordinator")
    upload = _upload("biaya.xlsx", xlsx_bytes([["indicator", "cost"], [11, "2,5"], [12, 1500000]]))
    response = _post(client, world, costs=upload)
    assert response.status_code == 200
    carried = json.loads(response.context["carried_costs"])
    assert carried == {"11": "2.5", "12": "1500000"}
    assert response.context["save"]["costs_json"] == response.context["carried_costs"]
    assert f'name="costs_json" value="{escape(response.context["carried_costs"])}"' in response.content.decode()
    again = _post(client, world, costs_json=response.context["carried_costs"], predicate="Sangat Baik")
    assert again.status_code == 200
    assert json.loads(again.context["carried_costs"]) == carried


TAMPERED = {
    "not JSON": "{",
    "a list": "[1, 2]",
    "null": "null",
    "a string": '"12"',
    "a word as cost": json.dumps({"12": "abc"}),
    "a negative cost": json.dumps({"12": "-3"}),
    "a huge cost": json.dumps({"12": "9" * 40}),
    "an exponent": json.dumps({"12": "1e999999999"}),
    "an exponent as a JSON number": '{"12": 1e999999999}',
    "a 5000-digit JSON number": '{"12": ' + "9" * 5000 + "}",
    "NaN": '{"12": NaN}',
    "a fraction that divides by zero": json.dumps({"12": "1/0"}),
    "an unknown indicator": json.dumps({"999": "1"}),
    "a word as indicator": json.dumps({"x": "1"}),
    "a superscript digit as indicator": json.dumps({"²": "1"}),
    "nested junk": json.dumps({"12": {"a": [1, {"b": None}]}}),
    "a boolean": json.dumps({"12": True}),
    "deep nesting": "[" * 5000 + "]" * 5000,
    "too long": json.dumps({"12": "1", "pad": "x" * 30_000}),
}


@pytest.mark.parametrize("value", TAMPERED.values(), ids=TAMPERED.keys())
def test_tampered_carried_costs_answer_400_with_a_message_and_keep_the_form(world: World, value: str) -> None:
    _answers(world)
    response = _post(world.a.client("leadership"), world, target_kind="value", value="3,1", costs_json=value)
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert "Biaya yang dibawa dari perhitungan terakhir tidak dapat dibaca" in errors[0]  # Indonesian first
    page = response.content.decode()
    assert errors[0] in unescape(page)  # shown on the page
    assert 'value="3,1"' in page  # what was typed stays
    assert response.context["carried_costs"] == ""  # the altered value is not sent again


def _save(client: Client, world: World, **changes: object) -> Any:
    data = {
        "target": "2.6",
        "target_label": "Baik",
        "baseline": "current",
        "max_step": "1",
        "locked": "",
        "costs_json": "{}",
        "name": "Rencana",
        **changes,
    }
    return client.post(reverse("planning:save", args=(world.a.participation.pk,)), data)


SAVE_TAMPERED = {
    **{f"costs: {k}": {"costs_json": v} for k, v in TAMPERED.items()},
    "target: an exponent": {"target": "1e999999999"},
    "target: out of range": {"target": "99"},
    "target: a word": {"target": "tinggi"},
    "baseline: unknown": {"baseline": "kemarin"},
    "max step: negative": {"max_step": "-1"},
    "max step: a word": {"max_step": "x"},
    "locked: unknown indicator": {"locked": "1,999"},
    "locked: a word": {"locked": "x"},
    "locked: superscript": {"locked": "²"},
}


@pytest.mark.parametrize("changes", SAVE_TAMPERED.values(), ids=SAVE_TAMPERED.keys())
def test_tampered_save_answers_400_and_saves_nothing(world: World, changes: dict[str, str]) -> None:
    _answers(world)
    response = _save(world.a.client("coordinator"), world, **changes)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rencana tidak dapat dibaca kembali; hitung ulang." in html
    assert "[&#x27;" not in html  # each reason is shown as text, not as a Python list
    assert not Plan.objects.exists()


def test_an_untampered_save_still_saves(world: World) -> None:
    _answers(world)
    response = _save(world.a.client("coordinator"), world, costs_json=json.dumps({"12": "2.5"}), locked="1,2")
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.costs == {"12": "2.5"}
    assert plan.locked == [1, 2]


def test_a_target_with_fifteen_places_is_saved(world: World) -> None:
    """Another agency's index as target is written with 15 places (exact_str of a non-terminating fraction)."""
    _answers(world)
    response = _save(world.a.client("coordinator"), world, target="2.633333333333333", target_label="Kota Lain")
    assert response.status_code == 302
    assert Plan.objects.get().target_label == "Kota Lain"


def test_a_plan_costing_billions_is_saved(world: World) -> None:
    """Costs in rupiah: the total of a plan is far beyond 10^8 (the old column held 8 digits before the point)."""
    _answers(world, 1)
    costs = {str(n): "250000000000" for n in range(1, 48)}
    response = _save(world.a.client("coordinator"), world, costs_json=json.dumps(costs), target="2.6", max_step="3")
    assert response.status_code == 302
    assert Plan.objects.get().cost > 10**12


@pytest.mark.parametrize("raw", ["9", "²", "9" * 5000, "-1", "x"])
def test_tampered_simulator_levels_answer_400_with_a_message(world: World, raw: str) -> None:
    _answers(world)
    url = reverse("planning:simulator", args=(world.a.participation.pk,))
    client = world.a.client("leadership")
    response = client.post(url, {"level-12": raw, "level-13": "4"})
    assert response.status_code == 400
    assert response.context["problems"]
    assert response.context["levels"][13] == 4


def test_enrolment_and_assignment_files_go_through_the_bounded_reader(world: World) -> None:
    client = login(world.admin)
    detail = reverse("rounds:detail", args=(world.round.pk,))
    big = SimpleUploadedFile("kode.csv", b"code\n" + b"51.71\n" * (6 * 1024 * 1024 // 6))
    response = client.post(detail, {"enrol-activity": "evaluasi", "enrol-codes": big}, follow=True)
    assert "kode.csv: the file is larger than the limit of 5 MB" in response.content.decode()
    workbook = SimpleUploadedFile("kode.xlsx", zip_bomb(64))
    response = client.post(detail, {"enrol-activity": "evaluasi", "enrol-codes": workbook}, follow=True)
    assert "kode.xlsx: a text file (CSV) is expected" in response.content.decode()
    assessors = reverse("external:assessors", args=(world.round.pk,))
    rows = SimpleUploadedFile("asesor.csv", b"assessor,agency\n" + b"a,b\n" * 10_001)
    response = client.post(assessors, {"action": "upload", "file": rows}, follow=True)
    assert "asesor.csv: the file has more than 10,000 rows (the limit)" in response.content.decode()
