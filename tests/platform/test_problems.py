"""Bad text and errors: one text rule for every door (pages, query strings, the API), problem details (RFC 9457)
for every error of the API, and error pages that never show a traceback."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from indeks.assessment.models import Answer, GeneralAnswer
from tests.platform.conftest import World, add_answer, add_general_question, login, snapshot

pytestmark = pytest.mark.usefixtures("english")
API = "/api/v1"
PROBLEM = "application/problem+json"

FORBIDDEN = ["a\x00b", "\ud800", "x\udfffy", "\x01", "\x1b[31m", "\x0b", "\x7f", "\x85", "\uffff"]
ALLOWED = ["", "Baris satu\r\nbaris dua\tkolom", "Perwal № 12/2024 — “Arsitektur” ✓", "\U0001f600", "\u00a0", "\u200b"]


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in response.content.decode()
    return body


def _put(client: Client, pid: int, number: int, body: str) -> Any:
    return client.put(f"{API}/participations/{pid}/answers/{number}", body, content_type="application/json")


# --- the text rule ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORBIDDEN)
def test_the_rule_refuses_control_characters_and_unpaired_surrogates(text: str) -> None:
    from indeks.text import first_forbidden, text_problem

    assert first_forbidden(text) is not None
    message = text_problem("fakta", text)
    assert message is not None
    assert "“fakta”" in message
    message.encode("utf-8")  # the message itself never carries the character


@pytest.mark.parametrize("text", ALLOWED)
def test_the_rule_keeps_ordinary_text_newlines_and_tabs(text: str) -> None:
    from indeks.text import first_forbidden

    assert first_forbidden(text) is None


# --- the API ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["fakta", "analisis"])
@pytest.mark.parametrize("text", ["a\\u0000b", "\\ud800", "\\udfff", "\\u0001"])
def test_api_refuses_bad_text_with_a_422_naming_the_field(world: World, field: str, text: str) -> None:
    """NUL was a 500 on PostgreSQL and a lone surrogate a 500 on every database; now nothing is written."""
    client = login(world.a.users["coordinator"])
    before = snapshot()
    response = _put(client, world.a.participation.pk, 1, f'{{"level": 3, "{field}": "{text}"}}')
    body = _problem(response, 422)
    assert body["type"] == "urn:indeks:problem:validation"
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["loc"] == ["body", "payload", field]
    assert f"“{field}”" in body["errors"][0]["msg"]
    assert snapshot() == before


def test_api_refuses_bad_text_in_a_return_note_and_nested_values(world: World) -> None:
    add_answer(world.a.participation, 1, status="submitted")
    client = login(world.a.users["coordinator"])
    url = f"{API}/participations/{world.a.participation.pk}/answers/1/return"
    before = snapshot()
    body = _problem(client.post(url, '{"note": "revisi\\u0000"}', content_type="application/json"), 422)
    assert body["errors"][0]["field"] == "note"
    body = _problem(client.post(url, '{"note": ["\\ud800"]}', content_type="application/json"), 422)
    assert body["errors"][0]["field"] == "note"
    assert snapshot() == before


def test_api_keeps_ordinary_text(world: World) -> None:
    client = login(world.a.users["coordinator"])
    text = "Baris satu\r\nbaris dua\tkolom — “kutipan” \U0001f600"
    response = _put(client, world.a.participation.pk, 1, json.dumps({"level": 3, "fakta": text}))
    assert response.status_code == 200
    assert Answer.objects.get(participation=world.a.participation, indicator=1).fakta == text


def test_api_query_string_with_bad_text_is_a_422(world: World) -> None:
    response = login(world.a.users["coordinator"]).get(f"{API}/participations?q=%00")
    body = _problem(response, 422)
    assert body["errors"][0]["loc"] == ["query", "q"]


@pytest.mark.parametrize(
    "body",
    [
        '{"version": 99999999999999999999}',
        '{"level": 1e400}',
        '{"level": "tiga"}',
        '{"fakta": {"nested": [1, 2]}}',
        '{"fakta": "' + "x" * 20001 + '"}',
    ],
)
def test_api_invalid_fields_are_a_422_with_the_field(world: World, body: str) -> None:
    before = snapshot()
    problem = _problem(_put(login(world.a.users["coordinator"]), world.a.participation.pk, 1, body), 422)
    assert problem["errors"]
    assert all(e["field"] in {"level", "fakta", "version"} for e in problem["errors"])
    assert "input" not in problem["errors"][0]  # the junk is not echoed back
    assert snapshot() == before


@pytest.mark.parametrize("body", ["[]", '"fakta"', "3", "{", "\xff"])
def test_api_a_body_that_is_not_a_json_object_is_a_400(world: World, body: str) -> None:
    before = snapshot()
    problem = _problem(_put(login(world.a.users["coordinator"]), world.a.participation.pk, 1, body), 400)
    assert problem["detail"] == "The request body is not a JSON object."
    assert snapshot() == before


def test_api_every_error_is_a_problem(world: World) -> None:
    pid = world.a.participation.pk
    anonymous, coordinator = login(None), login(world.a.users["coordinator"])
    assert _problem(anonymous.get(f"{API}/participations"), 401)["title"] == "Not signed in"
    forbidden = _put(login(world.a.users["leadership"]), pid, 1, '{"level": 3}')
    assert _problem(forbidden, 403)["detail"] == "Your role does not allow this here."
    assert _problem(coordinator.get(f"{API}/participations/{world.b.participation.pk}/answers"), 404)
    not_allowed = coordinator.delete(f"{API}/participations/{pid}/answers/1")
    assert _problem(not_allowed, 405)["detail"] == "DELETE is not allowed here; allowed: PUT."
    assert not_allowed["Allow"] == "PUT"
    refused = _put(coordinator, pid, 1, '{"level": 9}')
    body = _problem(refused, 400)
    assert (body["type"], body["title"], body["detail"]) == (
        "urn:indeks:problem:action-refused",
        "Action refused",
        "The level must be between 1 and 5.",
    )
    assert body["problems"] == []
    csrf = login(world.a.users["coordinator"], enforce_csrf_checks=True)
    assert "CSRF" in _problem(_put(csrf, pid, 1, '{"level": 3}'), 403)["detail"]


def test_api_edit_conflict_keeps_what_it_carried_and_adds_the_data(world: World) -> None:
    pid = world.a.participation.pk
    assert _put(login(world.a.users["coordinator"]), pid, 1, '{"level": 2, "fakta": "Awal"}').status_code == 200
    assert (
        _put(
            login(world.a.users["respondent_hukum"]), pid, 1, '{"level": 4, "fakta": "Awal", "version": 1}'
        ).status_code
        == 200
    )
    body = _problem(_put(login(world.a.users["operator"]), pid, 1, '{"level": 3, "fakta": "Awal", "version": 1}'), 409)
    assert body["type"] == "urn:indeks:problem:edit-conflict"
    assert "Someone else saved" in body["detail"]
    assert body["problems"] == ["level: 4 (saved) vs 3 (yours)"]
    assert body["changes"] == [{"field": "level", "saved": 4, "yours": 3}]
    assert body["version"] == 2


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/participations/1/nothing", "/api/v2/x", "/api", "/api/"])
def test_unknown_api_urls_are_a_404_problem_not_the_page(world: World, path: str) -> None:
    for client in (login(None), login(world.a.users["coordinator"])):
        assert _problem(client.get(path), 404)["type"] == "about:blank"
        assert _problem(client.post(path, "{}", content_type="application/json"), 404)


def test_an_unexpected_error_in_the_api_is_a_500_problem_logged_without_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    """A fault nobody expected (here a broken selector) answers a problem, whatever DEBUG says, and is logged."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the selector broke")

    monkeypatch.setattr("indeks.api.assessment.live_result", broken)
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.a.users["coordinator"])
    for debug in (False, True):
        settings.DEBUG = debug
        with caplog.at_level(logging.ERROR, logger="indeks.api"):
            response = client.get(f"{API}/participations/{world.a.participation.pk}/result")
        body = _problem(response, 500)
        assert "the selector broke" not in response.content.decode()
        assert body["title"] == "Server error"
        assert any(r.exc_info and "the selector broke" in str(r.exc_info[1]) for r in caplog.records)
        caplog.clear()


def test_problem_titles_follow_the_language(world: World) -> None:
    client = Client()
    assert _problem(client.get(f"{API}/participations"), 401)["title"] == "Belum masuk"


# --- the pages -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["a\x00b", "\x01", "\x1b", "\x7f"])
def test_a_form_with_bad_text_is_a_400_page_naming_the_field(world: World, text: str) -> None:
    client = login(world.a.users["coordinator"])
    before = snapshot()
    url = f"/p/{world.a.participation.pk}/indicator/1/"
    response = client.post(url, {"level": "3", "fakta": "Fakta", "analisis": f"Analisis {text}", "version": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“analisis”" in page
    assert "cannot be stored" in page
    assert snapshot() == before


def test_bad_text_is_refused_on_pages_that_read_the_post_themselves(world: World) -> None:
    """The clarification answer and the general answers are read without a form field; the door checks them."""
    question = add_general_question(world.round)
    client = login(world.a.users["coordinator"])
    response = client.post(
        f"/p/{world.a.participation.pk}/general/", {"question": str(question.pk), "text": "Ya\x00", "version": ""}
    )
    assert response.status_code == 400
    assert not GeneralAnswer.objects.exists()


def test_a_surrogate_sent_as_bytes_to_a_form_is_read_as_a_replacement_character(world: World) -> None:
    """A form body is UTF-8: the bytes of a surrogate are not UTF-8 and Django reads them as U+FFFD (stored)."""
    client = login(world.a.users["coordinator"])
    body = b"level=3&fakta=a%ED%A0%80b&analisis=x&version=0"
    url = f"/p/{world.a.participation.pk}/indicator/1/"
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert Answer.objects.get(participation=world.a.participation, indicator=1).fakta == "a\ufffd\ufffd\ufffdb"


def test_a_query_string_with_bad_text_is_a_400_page(world: World) -> None:
    client = login(world.a.users["coordinator"])
    response = client.get(f"/evidence/agency/{world.a.agency.pk}/search/", {"q": "perwal\x00"})
    assert response.status_code == 400
    assert "“q”" in response.content.decode()


def test_an_upload_form_with_bad_text_is_refused_when_it_is_read(world: World) -> None:
    """The upload views read their body late (their size limit comes first); the door still checks it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indeks.evidence.models import Document
    from tests.platform.conftest import MINIMAL_PDF

    client = login(world.a.users["coordinator"])
    response = client.post(
        f"/evidence/agency/{world.a.agency.pk}/upload/",
        {"doc_type": "peraturan", "title": "Perwal\x0b", "files": SimpleUploadedFile("a.pdf", MINIMAL_PDF)},
    )
    assert response.status_code == 400
    assert "“title”" in response.content.decode()
    assert not Document.objects.exists()


def test_ids_beyond_any_database_are_not_found(world: World) -> None:
    client = login(world.admin)
    for url in ("/results/100000000000000000000/", "/p/9223372036854775808/", "/rounds/99999999999999999999/"):
        assert client.get(url).status_code == 404
    assert client.get("/results/9223372036854775807/").status_code == 404


def test_error_pages_never_show_a_traceback(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail of the fault")

    client = Client(raise_request_exception=False)
    client.force_login(world.a.users["coordinator"])
    not_found = client.get("/no/such/page/")
    assert not_found.status_code == 404
    assert "Traceback" not in not_found.content.decode()
    denied = client.get("/rounds/")
    assert denied.status_code == 403
    assert "Traceback" not in denied.content.decode()
    monkeypatch.setattr("indeks.web.views.visible_participations", broken)
    failed = client.get("/")
    assert failed.status_code == 500
    page = failed.content.decode()
    assert "secret detail" not in page
    assert "Traceback" not in page
    assert "Nothing was half-saved" in page


# --- tampered forms: each 5xx the junk test found, now a refusal with a message ---------------------------------------


def _messages(response: Any) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def assessed(world: World) -> Any:
    from tests.external.conftest import make_external

    return make_external(world)


@pytest.mark.parametrize(
    ("who", "path", "data", "status", "says"),
    [
        ("coordinator", "/p/{a}/general/", {"question": "abc", "text": "Ya"}, 302, "Unknown question."),
        ("coordinator", "/p/{a}/general/", {"question": "1²", "text": "Ya"}, 302, "Unknown question."),
        ("coordinator", "/p/{a}/assignments/", {"owner-1": "²"}, 302, "Indicator 1: unknown unit."),
        ("coordinator", "/p/{a}/assignments/", {"owner-1": "{unit}", "contributors-1": "{unit}²"}, 302, "unknown"),
        ("assessor1", "/assess/p/{a}/dokumen/1/", {"level": "3", "version": "abc"}, 400, "could not be read"),
        ("assessor1", "/assess/p/{a}/dokumen/1/", {"level": "²"}, 400, "Choose a level."),
        (
            "assessor1",
            "/assess/p/{a}/interviu/",
            {"scheduled_at": "2026-06-01T25:61", "participants": "x"},
            302,
            "Give",
        ),
        (
            "assessor1",
            "/assess/p/{a}/interviu/",
            {"scheduled_at": "0001-01-01T00:00", "participants": "x"},
            302,
            "Give",
        ),
        ("reviewer", "/assess/review/{a}/", {"indicator": "1²", "decision": "valid"}, 302, "could not be read"),
        ("coordinator", "/assess/agency/{a}/clarifications/", {"clarification": "1²", "answer": "x"}, 404, None),
        ("admin", "/assess/rounds/{round}/assessors/", {"action": "visit", "participation": "1²"}, 404, None),
        ("admin", "/results/rounds/{round}/finalisation/", {"action": "finalise", "exclude": "2²"}, 302, "neither"),
        ("coordinator", "/evidence/p/{a}/indicator/1/link/", {"version": "1", "next": "document:2²"}, 302, None),
    ],
)
def test_tampered_fields_are_refused_with_a_message(
    assessed: Any, who: str, path: str, data: dict[str, str], status: int, says: str | None
) -> None:
    """Each was a 500 (``int("²")``, ``parse_datetime`` of 25:61, a year 1 in UTC, a non-number as an id)."""
    from indeks.registry.models import Unit

    w = assessed
    user = w.admin if who == "admin" else getattr(w, who, None) or w.a.users[who]
    unit = Unit.objects.filter(agency=w.a.agency).first()
    fill = {"a": w.a.participation.pk, "round": w.round.pk, "unit": unit.pk}
    data = {k: v.format(**fill) for k, v in data.items()}
    before = snapshot()
    response = login(user).post(path.format(**fill), data)
    assert response.status_code == status, response.content[:300]
    if says:
        shown = " ".join(_messages(response)) if status == 302 else response.content.decode()
        assert says in shown
    assert snapshot() == before


def test_a_round_window_in_the_year_1_is_a_form_error(world: World) -> None:
    """A year 1 in Asia/Jakarta overflows when it is converted to UTC for the database (it was a 500)."""
    data = {"year": "2030", "name": "Uji", "framework_id": "spbe-2020"}
    data |= {"mandiri_opens": "0001-01-01T00:00", "mandiri_closes": "0001-01-01T01:00"}
    response = login(world.admin).post("/rounds/", data)
    assert response.status_code == 400
    assert "between the years 2000 and 2100" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "field", "content"),
    [
        ("/rounds/{round}/", "enrol-codes", b"code\n51.\x0071\n"),
        ("/assess/rounds/{round}/assessors/", "file", b"assessor,agency\nasses\x00sor1,51.71\n"),
    ],
)
def test_a_csv_upload_with_a_nul_is_refused_with_a_message(world: World, path: str, field: str, content: bytes) -> None:
    """The enrolment codes and the assessor assignments are CSV text; a NUL in them was a 500 on PostgreSQL."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict[str, Any] = {field: SimpleUploadedFile("daftar.csv", content)}
    data |= {"enrol-activity": "evaluasi"} if field == "enrol-codes" else {"action": "upload"}
    before = snapshot()
    response = login(world.admin).post(path.format(round=world.round.pk), data)
    assert response.status_code == 302
    # The bounded reader refuses it (a NUL is not CSV text), naming the file.
    assert any("daftar.csv" in m and "not a text file" in m for m in _messages(response)), _messages(response)
    assert snapshot() == before
