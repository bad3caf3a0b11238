"""The permission matrix: every role × every page, action and API endpoint of the self-assessment and rounds.

Read the table ``MATRIX`` as the policy. ``OK`` means the request succeeded (2xx/3xx) *and* its effect is in
the database; 403 is refused, 404 is out of the actor's scope (another agency's participation), ``LOGIN`` is
the sign-in redirect of an anonymous visitor, 401 the API's answer to one. Every refused request is checked
to have changed nothing (answers, statuses, assignments, documents, rounds, windows, audit trail).

Indicator 1 of agency A is owned by Bagian Hukum (the "owner" respondent) with Dinas Kominfo contributing
(the "contributor"); Bappeda (the "unrelated" respondent) has nothing to do with it. "other_agency" is the
coordinator of agency B, with every right there and none in A.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indeks.assessment import services
from indeks.assessment.models import (
    Answer,
    AnswerStatus,
    GeneralAnswer,
    IndicatorAssignment,
    SignedDocument,
    SignedDocumentKind,
)
from indeks.audit.models import AuditEntry
from indeks.registry.models import Agency, AgencyKind
from indeks.rounds.models import Participation, ParticipationStatus, Round, WindowExtension
from tests.platform.conftest import (
    MINIMAL_PDF,
    AgencyWorld,
    World,
    add_answer,
    add_general_question,
    complete,
    login,
    previous_participation,
    snapshot,
    to_signing,
)

pytestmark = pytest.mark.usefixtures("english")

OK, LOGIN, NOT_LISTED = "ok", "login", "not listed"
WHO = (
    "coordinator",
    "official",
    "operator",
    "leadership",
    "owner",
    "contributor",
    "unrelated",
    "other_agency",
    "admin",
    "anonymous",
)
N = 1  # the indicator the matrix works on

# fmt: off
MATRIX: dict[str, tuple[Any, ...]] = {
    #                            coord  offic  oper   lead   owner  contr  unrel  other  admin  anon
    "GET dashboard":            (OK,    OK,    OK,    OK,    OK,    OK,    OK,    404,   OK,    LOGIN),
    "GET indicator":            (OK,    OK,    OK,    OK,    OK,    OK,    OK,    404,   OK,    LOGIN),
    "GET assignments":          (OK,    403,   403,   403,   403,   403,   403,   404,   403,   LOGIN),
    "GET general":              (OK,    OK,    OK,    OK,    OK,    OK,    OK,    404,   OK,    LOGIN),
    "GET submission":           (OK,    OK,    403,   403,   403,   403,   403,   404,   OK,    LOGIN),
    "POST save answer":         (OK,    403,   OK,    403,   OK,    OK,    403,   404,   403,   LOGIN),
    "POST submit":              (OK,    403,   OK,    403,   OK,    403,   403,   404,   403,   LOGIN),
    "POST accept":              (OK,    403,   403,   403,   403,   403,   403,   404,   403,   LOGIN),
    "POST return":              (OK,    403,   403,   403,   403,   403,   403,   404,   403,   LOGIN),
    "POST recheck":             (OK,    403,   OK,    403,   OK,    OK,    403,   404,   403,   LOGIN),
    "POST assignments":         (OK,    403,   403,   403,   403,   403,   403,   404,   403,   LOGIN),
    "POST general answer":      (OK,    403,   OK,    403,   403,   403,   403,   404,   403,   LOGIN),
    "POST prefill":             (OK,    403,   403,   403,   403,   403,   403,   404,   403,   LOGIN),
    "POST prepare":             (OK,    403,   403,   403,   403,   403,   403,   404,   403,   LOGIN),
    "POST cancel signing":      (OK,    403,   403,   403,   403,   403,   403,   404,   403,   LOGIN),
    "POST upload signed":       (OK,    OK,    403,   403,   403,   403,   403,   404,   403,   LOGIN),
    "GET document PDF":         (OK,    OK,    403,   403,   403,   403,   403,   404,   OK,    LOGIN),
    "GET signed download":      (OK,    OK,    403,   403,   403,   403,   403,   404,   OK,    LOGIN),
    "GET rounds":               (403,   403,   403,   403,   403,   403,   403,   403,   OK,    LOGIN),
    "GET round detail":         (403,   403,   403,   403,   403,   403,   403,   403,   OK,    LOGIN),
    "POST create round":        (403,   403,   403,   403,   403,   403,   403,   403,   OK,    LOGIN),
    "POST enrol agencies":      (403,   403,   403,   403,   403,   403,   403,   403,   OK,    LOGIN),
    "POST extend window":       (403,   403,   403,   403,   403,   403,   403,   403,   OK,    LOGIN),
    "API list participations":  (OK,    OK,    OK,    OK,    OK,    OK,    OK,    NOT_LISTED, OK, 401),
    "API result":               (OK,    OK,    OK,    OK,    OK,    OK,    OK,    404,   OK,    401),
    "API answers":              (OK,    OK,    OK,    OK,    OK,    OK,    OK,    404,   OK,    401),
    "API PUT answer":           (OK,    403,   OK,    403,   OK,    OK,    403,   404,   403,   401),
    "API submit":               (OK,    403,   OK,    403,   OK,    403,   403,   404,   403,   401),
    "API accept":               (OK,    403,   403,   403,   403,   403,   403,   404,   403,   401),
    "API return":               (OK,    403,   403,   403,   403,   403,   403,   404,   403,   401),
    "API recheck":              (OK,    403,   OK,    403,   OK,    OK,    403,   404,   403,   401),
}
# fmt: on


def user_of(world: World, who: str) -> Any:
    return {
        "coordinator": world.a.users["coordinator"],
        "official": world.a.users["official"],
        "operator": world.a.users["operator"],
        "leadership": world.a.users["leadership"],
        "owner": world.a.users["respondent_hukum"],
        "contributor": world.a.users["respondent_kominfo"],
        "unrelated": world.a.users["respondent_bappeda"],
        "other_agency": world.b.users["coordinator"],
        "admin": world.admin,
        "anonymous": None,
    }[who]


def _pid(world: World) -> int:
    return world.a.participation.pk


def _answer(world: World) -> Answer:
    return Answer.objects.get(participation=world.a.participation, stage="mandiri", indicator=N)


def _nothing(world: World) -> None:
    return None


def _page_ok(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert world.a.agency.name in response.content.decode()


def _signed(world: World, agency: AgencyWorld | None = None) -> SignedDocument:
    """The agency's Berita Acara scan is in (the participation awaits the second document)."""
    agency = agency or world.a
    to_signing(world, agency)
    upload = SimpleUploadedFile("ba.pdf", MINIMAL_PDF, content_type="application/pdf")
    document = services.upload_signed(
        agency.actor("coordinator"), agency.participation, SignedDocumentKind.BERITA_ACARA, upload
    )
    agency.participation.refresh_from_db()
    return document


@dataclass
class Case:
    method: str
    url: Callable[[World], str]
    check: Callable[[World, HttpResponse, Any], None]
    setup: Callable[[World], Any] = _nothing
    data: Callable[[World], dict[str, Any]] | None = None
    json: bool = False
    changes: bool = True  # whether an allowed request changes the database
    extra: dict[str, Any] = field(default_factory=dict)

    def send(self, client: Client, world: World) -> HttpResponse:
        url = self.url(world)
        data = self.data(world) if self.data else {}
        if self.method == "get":
            return client.get(url)
        if self.json:
            return getattr(client, self.method)(url, data, content_type="application/json")
        return getattr(client, self.method)(url, data)


# --- effects of the allowed requests ---------------------------------------------------------------------------


def _saved(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    answer = _answer(world)
    assert (answer.level, answer.fakta, answer.analisis) == (4, "Fakta matriks", "Analisis matriks")
    assert answer.updated_by == user
    assert AuditEntry.objects.filter(actor=user, action="answer.save", indicator=N, field="level", new="4").exists()


def _status(expected: str, code: int = 302) -> Callable[[World, HttpResponse, Any], None]:
    def check(world: World, response: HttpResponse, user: Any) -> None:
        assert response.status_code == code
        assert _answer(world).status == expected
        assert AuditEntry.objects.filter(actor=user, action=f"answer.{expected}", indicator=N).exists()

    return check


def _rechecked(code: int = 302) -> Callable[[World, HttpResponse, Any], None]:
    def check(world: World, response: HttpResponse, user: Any) -> None:
        assert response.status_code == code
        assert _answer(world).needs_recheck is False
        assert AuditEntry.objects.filter(actor=user, action="answer.recheck", indicator=N).exists()

    return check


def _assigned(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    assignment = IndicatorAssignment.objects.get(participation=world.a.participation, indicator=N)
    assert assignment.owner == world.a.units["bappeda"]
    assert set(assignment.contributors.all()) == {world.a.units["kominfo"]}
    assert AuditEntry.objects.filter(actor=user, action="assignment.set", indicator=N, field="owner").exists()


def _general_saved(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    answer = GeneralAnswer.objects.get(participation=world.a.participation)
    assert answer.text == "Jawaban matriks"
    assert AuditEntry.objects.filter(actor=user, action="general.save").exists()


def _prefilled(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    answer = _answer(world)
    assert answer.level == 2
    assert answer.needs_recheck
    assert AuditEntry.objects.filter(actor=user, action="answer.prefill").exists()


def _participation_status(expected: str) -> Callable[[World, HttpResponse, Any], None]:
    def check(world: World, response: HttpResponse, user: Any) -> None:
        assert response.status_code == 302
        world.a.participation.refresh_from_db()
        assert world.a.participation.status == expected

    return check


def _uploaded(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    document = SignedDocument.objects.get(participation=world.a.participation, kind=SignedDocumentKind.BERITA_ACARA)
    assert document.uploaded_by == user
    assert document.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()


def _pdf(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def _downloaded(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF  # type: ignore[attr-defined]
    assert response["X-Content-SHA256"] == hashlib.sha256(MINIMAL_PDF).hexdigest()


def _rounds_page(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert world.round.name in response.content.decode()


def _round_created(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    created = Round.objects.get(name="Evaluasi SPBE 2026")
    assert created.framework_id == "spbe-2020"
    assert created.windows.filter(stage="mandiri").exists()


def _new_agency(world: World) -> Agency:
    return Agency.objects.create(code="51.03", name="Kabupaten Badung", kind=AgencyKind.KABUPATEN)


def _enrolled(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    assert Participation.objects.filter(round=world.round, agency__code="51.03", activity="pemantauan").exists()


def _extended(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    extension = WindowExtension.objects.get(participation=world.a.participation, stage="mandiri")
    assert extension.reason == "Bencana banjir"
    assert not WindowExtension.objects.filter(participation=world.b.participation).exists()


def _listed(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert world.a.participation.pk in [p["id"] for p in response.json()]


def _api_result(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    data = response.json()
    assert data["framework"] == "spbe-2020"
    assert N not in data["filled_in"]
    assert 2 in data["filled_in"]


def _api_answers(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert [(a["indicator"], a["level"]) for a in response.json()] == [(N, 3)]


def _api_saved(world: World, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200, response.content
    assert response.json()["level"] == 4
    answer = _answer(world)
    assert (answer.level, answer.fakta, answer.updated_by) == (4, "Fakta API", user)


# --- the requests -------------------------------------------------------------------------------------------------


def _ind_url(action: str | None = None) -> Callable[[World], str]:
    if action is None:
        return lambda w: reverse("assessment:indicator", args=(_pid(w), N))
    return lambda w: reverse("assessment:indicator_action", args=(_pid(w), N, action))


def _api(path: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/participations/{_pid(w)}{path}"


def _complete_draft(world: World) -> None:
    add_answer(world.a.participation, N, level=3)


def _submitted(world: World) -> None:
    add_answer(world.a.participation, N, level=3, status=AnswerStatus.SUBMITTED)


def _to_recheck(world: World) -> None:
    add_answer(world.a.participation, N, level=3, needs_recheck=True)


def _with_question(world: World) -> None:
    add_general_question(world.round)


def _with_previous(world: World) -> None:
    previous = previous_participation(world.a)
    add_answer(previous, N, level=2)


def _question_data(world: World) -> dict[str, Any]:
    question = world.round.general_questions.get()
    return {"question": question.pk, "text": "Jawaban matriks", "version": ""}


def _upload_data(world: World) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("ba-signed.pdf", MINIMAL_PDF, content_type="application/pdf")}


def _round_form(world: World) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "year": 2026,
        "name": "Evaluasi SPBE 2026",
        "framework_id": "spbe-2020",
        "mandiri_opens": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "mandiri_closes": (now + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M"),
    }


def _extension_form(world: World) -> dict[str, Any]:
    closes = timezone.localtime() + timedelta(days=30)
    return {
        "ext-agency": world.a.agency.code,
        "ext-stage": "mandiri",
        "ext-closes": closes.strftime("%Y-%m-%dT%H:%M"),
        "ext-reason": "Bencana banjir",
    }


def _rounds_url(world: World) -> str:
    return reverse("rounds:list")


def _round_url(world: World) -> str:
    return reverse("rounds:detail", args=(world.round.pk,))


ACTIONS: dict[str, Case] = {
    "GET dashboard": Case("get", lambda w: reverse("assessment:dashboard", args=(_pid(w),)), _page_ok, changes=False),
    "GET indicator": Case("get", _ind_url(), _page_ok, changes=False),
    "GET assignments": Case(
        "get", lambda w: reverse("assessment:assignments", args=(_pid(w),)), _page_ok, changes=False
    ),
    "GET general": Case(
        "get", lambda w: reverse("assessment:general", args=(_pid(w),)), _page_ok, _with_question, changes=False
    ),
    "GET submission": Case("get", lambda w: reverse("assessment:submission", args=(_pid(w),)), _page_ok, changes=False),
    "POST save answer": Case(
        "post",
        _ind_url(),
        _saved,
        data=lambda w: {"level": "4", "fakta": "Fakta matriks", "analisis": "Analisis matriks", "version": "0"},
    ),
    "POST submit": Case("post", _ind_url("submit"), _status(AnswerStatus.SUBMITTED), _complete_draft),
    "POST accept": Case("post", _ind_url("accept"), _status(AnswerStatus.ACCEPTED), _submitted),
    "POST return": Case(
        "post",
        _ind_url("return"),
        _status(AnswerStatus.RETURNED),
        _submitted,
        data=lambda w: {"note": "Lengkapi bukti dukung."},
    ),
    "POST recheck": Case("post", _ind_url("recheck"), _rechecked(), _to_recheck),
    "POST assignments": Case(
        "post",
        lambda w: reverse("assessment:assignments", args=(_pid(w),)),
        _assigned,
        data=lambda w: {f"owner-{N}": str(w.a.units["bappeda"].pk), f"contributors-{N}": [w.a.units["kominfo"].pk]},
    ),
    "POST general answer": Case(
        "post", lambda w: reverse("assessment:general", args=(_pid(w),)), _general_saved, _with_question, _question_data
    ),
    "POST prefill": Case("post", lambda w: reverse("assessment:prefill", args=(_pid(w),)), _prefilled, _with_previous),
    "POST prepare": Case(
        "post",
        lambda w: reverse("assessment:submission_action", args=(_pid(w), "prepare")),
        _participation_status(ParticipationStatus.SIGNING),
        lambda w: complete(w.a.participation),
    ),
    "POST cancel signing": Case(
        "post",
        lambda w: reverse("assessment:submission_action", args=(_pid(w), "cancel")),
        _participation_status(ParticipationStatus.MANDIRI),
        to_signing,
    ),
    "POST upload signed": Case(
        "post",
        lambda w: reverse("assessment:submission_action", args=(_pid(w), SignedDocumentKind.BERITA_ACARA)),
        _uploaded,
        to_signing,
        _upload_data,
    ),
    "GET document PDF": Case(
        "get",
        lambda w: reverse("assessment:document_pdf", args=(_pid(w), SignedDocumentKind.BERITA_ACARA)),
        _pdf,
        to_signing,
        changes=False,
    ),
    "GET signed download": Case(
        "get",
        lambda w: reverse("assessment:signed_download", args=(_pid(w), SignedDocumentKind.BERITA_ACARA)),
        _downloaded,
        _signed,
        changes=False,
    ),
    "GET rounds": Case("get", _rounds_url, _rounds_page, changes=False),
    "GET round detail": Case("get", _round_url, _rounds_page, changes=False),
    "POST create round": Case("post", _rounds_url, _round_created, data=_round_form),
    "POST enrol agencies": Case(
        "post",
        _round_url,
        _enrolled,
        _new_agency,
        lambda w: {"enrol-activity": "pemantauan", "enrol-kinds": ["kabupaten"]},
    ),
    "POST extend window": Case("post", _round_url, _extended, data=_extension_form),
    "API list participations": Case("get", lambda w: "/api/v1/participations", _listed, json=True, changes=False),
    "API result": Case("get", _api("/result"), _api_result, _complete_draft, json=True, changes=False),
    "API answers": Case("get", _api("/answers"), _api_answers, _complete_draft, json=True, changes=False),
    "API PUT answer": Case(
        "put",
        _api(f"/answers/{N}"),
        _api_saved,
        data=lambda w: {"level": 4, "fakta": "Fakta API", "analisis": "Analisis API", "version": None},
        json=True,
    ),
    "API submit": Case(
        "post", _api(f"/answers/{N}/submit"), _status(AnswerStatus.SUBMITTED, 200), _complete_draft, json=True
    ),
    "API accept": Case(
        "post", _api(f"/answers/{N}/accept"), _status(AnswerStatus.ACCEPTED, 200), _submitted, json=True
    ),
    "API return": Case(
        "post",
        _api(f"/answers/{N}/return"),
        _status(AnswerStatus.RETURNED, 200),
        _submitted,
        data=lambda w: {"note": "Lengkapi bukti dukung."},
        json=True,
    ),
    "API recheck": Case("post", _api(f"/answers/{N}/recheck"), _rechecked(200), _to_recheck, json=True),
}
assert set(ACTIONS) == set(MATRIX)

CASES = [
    pytest.param(action, who, expected, id=f"{action} | {who}")
    for action, row in MATRIX.items()
    for who, expected in zip(WHO, row, strict=True)
]


@pytest.mark.parametrize(("action", "who", "expected"), CASES)
def test_matrix(world: World, action: str, who: str, expected: Any) -> None:
    case = ACTIONS[action]
    case.setup(world)
    user = user_of(world, who)
    before = snapshot()
    response = case.send(login(user), world)
    if expected == OK:
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login")), "redirected to sign in"
        case.check(world, response, user)
        if not case.changes:
            assert snapshot() == before
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif expected == NOT_LISTED:
        assert response.status_code == 200
        ids = [p["id"] for p in response.json()]
        assert world.a.participation.pk not in ids
        assert world.b.participation.pk in ids
    else:
        assert response.status_code == expected, response.content[:300]
    assert snapshot() == before, "a refused request changed the database"


# --- guessed ids ------------------------------------------------------------------------------------------------

PARTICIPATION_URLS = [
    ("get", "assessment:dashboard", ()),
    ("get", "assessment:indicator", (N,)),
    ("post", "assessment:indicator", (N,)),
    ("post", "assessment:indicator_action", (N, "submit")),
    ("post", "assessment:indicator_action", (N, "accept")),
    ("get", "assessment:assignments", ()),
    ("post", "assessment:assignments", ()),
    ("get", "assessment:general", ()),
    ("post", "assessment:general", ()),
    ("post", "assessment:prefill", ()),
    ("get", "assessment:submission", ()),
    ("post", "assessment:submission_action", ("prepare",)),
    ("post", "assessment:submission_action", ("cancel",)),
    ("post", "assessment:submission_action", (SignedDocumentKind.BERITA_ACARA,)),
    ("get", "assessment:document_pdf", (SignedDocumentKind.BERITA_ACARA,)),
    ("get", "assessment:signed_download", (SignedDocumentKind.BERITA_ACARA,)),
]
API_URLS = [
    ("get", "/result"),
    ("get", "/answers"),
    ("put", f"/answers/{N}"),
    ("post", f"/answers/{N}/submit"),
    ("post", f"/answers/{N}/accept"),
    ("post", f"/answers/{N}/return"),
    ("post", f"/answers/{N}/recheck"),
]


def _everything_in_b(world: World) -> None:
    """Agency B has answers, a signed scan, a question: whatever A's users might hope to reach by guessing."""
    add_general_question(world.round)
    _signed(world, world.b)
    previous = previous_participation(world.b)
    add_answer(previous, N, level=2)


@pytest.mark.parametrize("who", ["coordinator", "official", "operator", "leadership", "owner", "contributor"])
def test_agency_a_users_guessing_b_ids_get_404_and_change_nothing(world: World, who: str) -> None:
    _everything_in_b(world)
    client = login(user_of(world, who))
    pid = world.b.participation.pk
    before = snapshot()
    for method, name, args in PARTICIPATION_URLS:
        data = {"level": "4", "fakta": "x", "analisis": "y", "version": "0", "note": "n"} if method == "post" else {}
        response = getattr(client, method)(reverse(name, args=(pid, *args)), data)
        assert response.status_code == 404, (method, name, args, response.status_code)
    for method, path in API_URLS:
        response = getattr(client, method)(
            f"/api/v1/participations/{pid}{path}", {"level": 4, "note": "n"}, content_type="application/json"
        )
        assert response.status_code == 404, (method, path, response.status_code)
    listed = [p["id"] for p in client.get("/api/v1/participations").json()]
    assert listed == [world.a.participation.pk]
    assert snapshot() == before


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_non_existent_participation_ids_are_404(world: World, who: str) -> None:
    client = login(user_of(world, who))
    missing = Participation.objects.order_by("-pk").first().pk + 1000
    before = snapshot()
    for pid in (missing, 0):
        for method, name, args in PARTICIPATION_URLS:
            response = getattr(client, method)(reverse(name, args=(pid, *args)), {})
            assert response.status_code == 404, (pid, method, name, response.status_code)
        for method, path in API_URLS:
            response = getattr(client, method)(
                f"/api/v1/participations/{pid}{path}", {"level": 4}, content_type="application/json"
            )
            assert response.status_code == 404, (pid, method, path, response.status_code)
    assert client.get(
        reverse("rounds:detail", args=(Round.objects.order_by("-pk").first().pk + 1000,))
    ).status_code == (404 if who == "admin" else 403)
    assert snapshot() == before


@pytest.mark.parametrize("number", [0, 48, 999])
def test_indicators_out_of_range_are_404_everywhere(world: World, number: int) -> None:
    client = login(world.a.users["coordinator"])
    pid = world.a.participation.pk
    before = snapshot()
    assert client.get(reverse("assessment:indicator", args=(pid, number))).status_code == 404
    response = client.post(
        reverse("assessment:indicator", args=(pid, number)),
        {"level": "3", "fakta": "x", "analisis": "y", "version": "0"},
    )
    assert response.status_code == 404
    for action in ("submit", "accept", "return", "recheck"):
        response = client.post(reverse("assessment:indicator_action", args=(pid, number, action)), {"note": "n"})
        assert response.status_code == 404, action
    response = client.put(
        f"/api/v1/participations/{pid}/answers/{number}",
        {"level": 3, "fakta": "x", "analisis": "y"},
        content_type="application/json",
    )
    assert response.status_code == 404
    for action in ("submit", "accept", "return", "recheck"):
        response = client.post(
            f"/api/v1/participations/{pid}/answers/{number}/{action}", {"note": "n"}, content_type="application/json"
        )
        assert response.status_code == 404, action
    assert snapshot() == before


def test_unknown_actions_are_404(world: World) -> None:
    add_answer(world.a.participation, N, level=3)
    client = login(world.a.users["coordinator"])
    pid = world.a.participation.pk
    before = snapshot()
    assert client.post(reverse("assessment:indicator_action", args=(pid, N, "delete"))).status_code == 404
    assert client.post(reverse("assessment:submission_action", args=(pid, "unlock"))).status_code == 404
    assert client.get(reverse("assessment:document_pdf", args=(pid, "secret"))).status_code == 404
    assert client.get(reverse("assessment:signed_download", args=(pid, "secret"))).status_code == 404
    assert (
        client.post(f"/api/v1/participations/{pid}/answers/{N}/delete", content_type="application/json").status_code
        == 404
    )
    assert snapshot() == before


def test_workflow_actions_refuse_get(world: World) -> None:
    """State-changing endpoints take POST only: a link or an image tag cannot trigger them."""
    _complete_draft(world)
    client = login(world.a.users["coordinator"])
    pid = world.a.participation.pk
    before = snapshot()
    for url in (
        reverse("assessment:indicator_action", args=(pid, N, "submit")),
        reverse("assessment:prefill", args=(pid,)),
        reverse("assessment:submission_action", args=(pid, "prepare")),
    ):
        assert client.get(url).status_code == 405, url
    assert snapshot() == before


def test_coordinator_cannot_assign_a_unit_of_another_agency(world: World) -> None:
    """Even the coordinator cannot give an indicator to a unit of another agency (by guessing its id)."""
    client = login(world.a.users["coordinator"])
    before = snapshot()
    response = client.post(
        reverse("assessment:assignments", args=(world.a.participation.pk,)),
        {f"owner-{N}": str(world.b.units["bappeda"].pk)},
        follow=True,
    )
    assert response.status_code == 200
    assert f"Indicator {N}: unknown unit." in response.content.decode()
    assert snapshot() == before
