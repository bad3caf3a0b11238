"""The permission matrix of the external assessment: every role × every new page and action.

Read ``MATRIX`` as the policy. ``OK`` means the request succeeded *and* its effect is in the database (checked per
action); 403 is refused, 404 out of the actor's scope, ``LOGIN`` the sign-in redirect of an anonymous visitor,
``NOT_LISTED`` a page that answers but does not show agency A. Every refused request is checked to have changed
nothing (answers, clarifications, notes, interviews, reviews, releases, assignments, snapshots, notifications,
audit trail). The "assessor" assesses agency A; "cross" is the assessor of agency B trying agency A's pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indeks.audit.models import AuditEntry
from indeks.external import services
from indeks.external.models import AspectNote, Clarification, Interview, Recommendation, ReviewDecision, StageRelease
from indeks.notifications.models import Notification
from indeks.notifications.services import notify
from indeks.results import services as results
from indeks.results.models import Snapshot
from indeks.rounds.models import AssessorAssignment, Participation, Round, StageWindow
from tests.external.conftest import ExternalWorld, external_snapshot
from tests.platform.conftest import login, make_agency

pytestmark = pytest.mark.usefixtures("english")

OK, LOGIN, NOT_LISTED = "ok", "login", "not listed"
WHO = ("assessor", "cross", "reviewer", "admin", "coordinator", "respondent", "leadership", "other_agency", "anonymous")
N = 11  # owned by Dinas Kominfo (the "respondent" column)

# fmt: off
MATRIX: dict[str, tuple[Any, ...]] = {
    #                              assr   cross  revw   admin  coord  resp   lead   other  anon
    "GET queue":                  (OK,    NOT_LISTED, 403, OK, 403,   403,   403,   403,   LOGIN),
    "GET worklist":               (OK,    404,   OK,    OK,    404,   404,   404,   404,   LOGIN),
    "GET score":                  (OK,    404,   OK,    OK,    404,   404,   404,   404,   LOGIN),
    "POST score":                 (OK,    404,   403,   403,   404,   404,   404,   404,   LOGIN),
    "POST ask clarification":     (OK,    404,   403,   403,   404,   404,   404,   404,   LOGIN),
    "GET notes":                  (OK,    404,   403,   403,   404,   404,   404,   404,   LOGIN),
    "POST aspect note":           (OK,    404,   403,   403,   404,   404,   404,   404,   LOGIN),
    "POST recommendation":        (OK,    404,   403,   403,   404,   404,   404,   404,   LOGIN),
    "POST interview schedule":    (OK,    404,   403,   403,   404,   404,   404,   404,   LOGIN),
    "GET agency clarifications":  (404,   404,   404,   OK,    OK,    OK,    OK,    404,   LOGIN),
    "POST answer clarification":  (404,   404,   404,   403,   OK,    OK,    403,   404,   LOGIN),
    "GET result per stage":       (404,   404,   404,   OK,    OK,    OK,    OK,    404,   LOGIN),
    "GET stages side by side":    (404,   404,   404,   OK,    OK,    OK,    OK,    404,   LOGIN),
    "GET review list":            (403,   403,   OK,    OK,    403,   403,   403,   403,   LOGIN),
    "GET review agency":          (403,   403,   OK,    OK,    403,   403,   403,   403,   LOGIN),
    "POST review decision":       (403,   403,   OK,    403,   403,   403,   403,   403,   LOGIN),
    "GET assessors page":         (403,   403,   403,   OK,    403,   403,   403,   403,   LOGIN),
    "POST assessors upload":      (403,   403,   403,   OK,    403,   403,   403,   403,   LOGIN),
    "POST assessors balance":     (403,   403,   403,   OK,    403,   403,   403,   403,   LOGIN),
    "POST site visit":            (403,   403,   403,   OK,    403,   403,   403,   403,   LOGIN),
    "POST release":               (403,   403,   403,   OK,    403,   403,   403,   403,   LOGIN),
    "GET finalisation":           (403,   403,   403,   OK,    403,   403,   403,   403,   LOGIN),
    "POST finalise":              (403,   403,   403,   OK,    403,   403,   403,   403,   LOGIN),
    "POST publish":               (403,   403,   403,   OK,    403,   403,   403,   403,   LOGIN),
    "GET published results":      (OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    LOGIN),
    "GET round results":          (OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    LOGIN),
    "GET notifications":          (OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    LOGIN),
    "POST notifications read":    (OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    LOGIN),
}
# fmt: on


def user_of(w: ExternalWorld, who: str) -> Any:
    return {
        "assessor": w.assessor1,
        "cross": w.assessor2,
        "reviewer": w.reviewer,
        "admin": w.admin,
        "coordinator": w.a.users["coordinator"],
        "respondent": w.a.users["respondent_kominfo"],
        "leadership": w.a.users["leadership"],
        "other_agency": w.b.users["coordinator"],
        "anonymous": None,
    }[who]


def _pid(w: ExternalWorld) -> int:
    return w.a.participation.pk


def _nothing(w: ExternalWorld) -> None:
    return None


# --- preconditions ---------------------------------------------------------------------------------------------


def _asked(w: ExternalWorld) -> None:
    services.ask(w.act(w.assessor1), w.a.participation, N, "dokumen", "Mohon unggah SK terbaru.")


def _third_agency(w: ExternalWorld) -> None:
    make_agency(w.round, "51.03", "Kabupaten Badung")


def _finalised(w: ExternalWorld) -> None:
    results.finalise(w.act(w.admin), w.round, excluded={w.a.participation.pk, w.b.participation.pk})


def _published(w: ExternalWorld) -> None:
    """Agency A fully reviewed (Valid everywhere), B excluded; revision 1 published."""
    ReviewDecision.objects.bulk_create(
        ReviewDecision(participation=w.a.participation, indicator=i.number, valid=True, decided_by=w.reviewer)
        for i in w.round.framework.indicators
    )
    snapshot = results.finalise(w.act(w.admin), w.round, excluded={w.b.participation.pk})
    results.publish(w.act(w.admin), snapshot)


def _personal_notifications(w: ExternalWorld) -> None:
    for who in WHO[:-1]:
        user = user_of(w, who)
        notify([user], "test", f"Pesan pribadi untuk {user.username}")


# --- effects of the allowed requests --------------------------------------------------------------------------


def _page_ok(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert w.a.agency.name in response.content.decode()


def _queue(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert (w.a.agency.name in response.content.decode()) == (user == w.assessor1)


def _scored(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    answer = w.a.participation.answers.get(stage="dokumen", indicator=N)
    assert (answer.level, answer.justifikasi, answer.updated_by) == (2, "Justifikasi matriks", user)
    assert AuditEntry.objects.filter(
        actor=user, action="assessor.score", stage="dokumen", indicator=N, field="level", new="2"
    ).exists()


def _clarification_asked(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    item = Clarification.objects.get(participation=w.a.participation, indicator=N)
    assert (item.stage, item.question, item.asked_by) == ("dokumen", "Mohon jelaskan matriks.", user)


def _aspect_saved(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    note = AspectNote.objects.get(participation=w.a.participation, aspect="1")
    assert (note.strengths, note.weaknesses) == ("Kuat", "Lemah")


def _recommendation_saved(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    rec = Recommendation.objects.get(participation=w.a.participation)
    assert (rec.summary, rec.advice) == ("Ringkasan matriks", "Saran matriks")


def _interview_saved(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    interview = Interview.objects.get(participation=w.a.participation, stage="interviu")
    assert interview.participants == "Kepala Dinas Kominfo"


def _clarifications_page(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    _page_ok(w, response, user)
    assert "Mohon unggah SK terbaru." in response.content.decode()


def _clarification_answered(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    item = Clarification.objects.get(participation=w.a.participation, indicator=N)
    assert (item.answer, item.answered_by) == ("Jawaban matriks", user)
    assert item.answered_at is not None


def _reviewed(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    decision = ReviewDecision.objects.get(participation=w.a.participation, indicator=N)
    assert (decision.valid, decision.corrected_level, decision.decided_by) == (False, 2, user)
    assert w.a.participation.answers.get(stage="reviu", indicator=N).level == 2


def _admin_page(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert w.round.name in response.content.decode()


def _uploaded(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    assert AssessorAssignment.objects.filter(round=w.round, agency=w.a.agency, assessor=w.assessor2).exists()


def _balanced(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    assert AssessorAssignment.objects.filter(round=w.round, agency__code="51.03").count() == 1


def _visit_off(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    assert Participation.objects.get(pk=_pid(w)).with_visit is False


def _released(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    assert set(StageRelease.objects.values_list("participation_id", "stage")) == {
        (w.a.participation.pk, "dokumen"),
        (w.b.participation.pk, "dokumen"),
    }


def _finalised_check(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    snapshot = Snapshot.objects.get(round=w.round)
    assert (snapshot.revision, snapshot.finalised_by, snapshot.published_at) == (1, user, None)


def _published_check(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    assert Snapshot.objects.get(round=w.round).published_by == user


def _results_list(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    assert w.round.name in response.content.decode()


def _round_results(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert w.a.agency.name in page
    assert w.b.agency.name not in page  # excluded from the revision


def _inbox(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    for who in WHO[:-1]:
        other = user_of(w, who)
        assert (f"Pesan pribadi untuk {other.username}" in page) == (other == user)


def _read(w: ExternalWorld, response: HttpResponse, user: Any) -> None:
    assert response.status_code == 302
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.exclude(user=user).filter(read_at__isnull=True).count() == len(WHO) - 2


# --- the requests ----------------------------------------------------------------------------------------------


@dataclass
class Case:
    method: str
    url: Callable[[ExternalWorld], str]
    check: Callable[[ExternalWorld, HttpResponse, Any], None]
    setup: Callable[[ExternalWorld], Any] = _nothing
    data: Callable[[ExternalWorld], dict[str, Any]] | None = None
    changes: bool = True

    def send(self, client: Client, w: ExternalWorld) -> HttpResponse:
        data = self.data(w) if self.data else {}
        return getattr(client, self.method)(self.url(w), data)


def _score_url(w: ExternalWorld) -> str:
    return reverse("external:score", args=(_pid(w), "dokumen", N))


def _notes_url(w: ExternalWorld) -> str:
    return reverse("external:notes", args=(_pid(w),))


def _assessors_url(w: ExternalWorld) -> str:
    return reverse("external:assessors", args=(w.round.pk,))


def _finalisation_url(w: ExternalWorld) -> str:
    return reverse("results:finalisation", args=(w.round.pk,))


def _csv(w: ExternalWorld) -> dict[str, Any]:
    content = f"assessor,agency\nassessor2,{w.a.agency.code}\n".encode()
    return {"action": "upload", "file": SimpleUploadedFile("asesor.csv", content, content_type="text/csv")}


def _when() -> str:
    return (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


ACTIONS: dict[str, Case] = {
    "GET queue": Case("get", lambda w: reverse("external:queue"), _queue, changes=False),
    "GET worklist": Case(
        "get", lambda w: reverse("external:worklist", args=(_pid(w), "dokumen")), _page_ok, changes=False
    ),
    "GET score": Case("get", _score_url, _page_ok, changes=False),
    "POST score": Case(
        "post",
        _score_url,
        _scored,
        data=lambda w: {"level": "2", "fakta": "F", "analisis": "A", "justifikasi": "Justifikasi matriks"},
    ),
    "POST ask clarification": Case(
        "post", _score_url, _clarification_asked, data=lambda w: {"question": "Mohon jelaskan matriks."}
    ),
    "GET notes": Case("get", _notes_url, _page_ok, changes=False),
    "POST aspect note": Case(
        "post",
        _notes_url,
        _aspect_saved,
        data=lambda w: {"aspect": "1", "strengths": "Kuat", "weaknesses": "Lemah", "version": ""},
    ),
    "POST recommendation": Case(
        "post",
        _notes_url,
        _recommendation_saved,
        data=lambda w: {"summary": "Ringkasan matriks", "advice": "Saran matriks", "version": ""},
    ),
    "POST interview schedule": Case(
        "post",
        lambda w: reverse("external:worklist", args=(_pid(w), "interviu")),
        _interview_saved,
        data=lambda w: {"scheduled_at": _when(), "participants": "Kepala Dinas Kominfo", "notes": ""},
    ),
    "GET agency clarifications": Case(
        "get",
        lambda w: reverse("external:agency_clarifications", args=(_pid(w),)),
        _clarifications_page,
        _asked,
        changes=False,
    ),
    "POST answer clarification": Case(
        "post",
        lambda w: reverse("external:agency_clarifications", args=(_pid(w),)),
        _clarification_answered,
        _asked,
        lambda w: {"clarification": Clarification.objects.get().pk, "answer": "Jawaban matriks"},
    ),
    "GET result per stage": Case("get", lambda w: reverse("results:agency", args=(_pid(w),)), _page_ok, changes=False),
    "GET stages side by side": Case(
        "get", lambda w: reverse("external:stages", args=(_pid(w), N)), _page_ok, changes=False
    ),
    "GET review list": Case("get", lambda w: reverse("external:review_list"), _page_ok, changes=False),
    "GET review agency": Case(
        "get", lambda w: reverse("external:review_agency", args=(_pid(w),)), _page_ok, changes=False
    ),
    "POST review decision": Case(
        "post",
        lambda w: reverse("external:review_agency", args=(_pid(w),)),
        _reviewed,
        data=lambda w: {"indicator": N, "decision": "invalid", "level": "2", "reason": "Bukti tidak memadai"},
    ),
    "GET assessors page": Case("get", _assessors_url, _admin_page, changes=False),
    "POST assessors upload": Case("post", _assessors_url, _uploaded, data=_csv),
    "POST assessors balance": Case("post", _assessors_url, _balanced, _third_agency, lambda w: {"action": "balance"}),
    "POST site visit": Case(
        "post",
        _assessors_url,
        _visit_off,
        data=lambda w: {"action": "visit", "participation": _pid(w), "with_visit": "0"},
    ),
    "POST release": Case("post", _assessors_url, _released, data=lambda w: {"action": "release", "stage": "dokumen"}),
    "GET finalisation": Case("get", _finalisation_url, _admin_page, changes=False),
    "POST finalise": Case(
        "post",
        _finalisation_url,
        _finalised_check,
        data=lambda w: {"action": "finalise", "exclude": [_pid(w), w.b.participation.pk]},
    ),
    "POST publish": Case(
        "post",
        _finalisation_url,
        _published_check,
        _finalised,
        lambda w: {"action": "publish", "snapshot": Snapshot.objects.get().pk},
    ),
    "GET published results": Case(
        "get", lambda w: reverse("results:published"), _results_list, _published, changes=False
    ),
    "GET round results": Case(
        "get", lambda w: reverse("results:round", args=(w.round.pk,)), _round_results, _published, changes=False
    ),
    "GET notifications": Case(
        "get", lambda w: reverse("notifications:inbox"), _inbox, _personal_notifications, changes=False
    ),
    "POST notifications read": Case(
        "post", lambda w: reverse("notifications:read_all"), _read, _personal_notifications
    ),
}
assert set(ACTIONS) == set(MATRIX)

CASES = [
    pytest.param(action, who, expected, id=f"{action} | {who}")
    for action, row in MATRIX.items()
    for who, expected in zip(WHO, row, strict=True)
]


@pytest.mark.parametrize(("action", "who", "expected"), CASES)
def test_matrix(external_world: ExternalWorld, action: str, who: str, expected: Any) -> None:
    w = external_world
    case = ACTIONS[action]
    case.setup(w)
    user = user_of(w, who)
    before = external_snapshot()
    response = case.send(login(user), w)
    if expected == OK:
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login")), "redirected to sign in"
        case.check(w, response, user)
        if not case.changes:
            assert external_snapshot() == before
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif expected == NOT_LISTED:
        assert response.status_code == 200
        assert w.a.agency.name not in response.content.decode()
    else:
        assert response.status_code == expected, response.content[:300]
    assert external_snapshot() == before, "a refused request changed the database"


# --- scope beyond the matrix ----------------------------------------------------------------------------------

ASSESSOR_URLS = [
    ("get", "external:worklist", ("dokumen",), {}),
    ("get", "external:score", ("dokumen", 1), {}),
    ("post", "external:score", ("dokumen", 1), {"level": "1", "justifikasi": "J", "version": ""}),
    ("post", "external:score", ("dokumen", 1), {"question": "Q?"}),
    ("get", "external:notes", (), {}),
    ("post", "external:notes", (), {"aspect": "1", "strengths": "S", "weaknesses": "W"}),
    ("post", "external:notes", (), {"summary": "S"}),
]


def test_assessor_of_a_gets_404_on_every_page_of_b(external_world: ExternalWorld) -> None:
    w = external_world
    client = login(w.assessor1)
    before = external_snapshot()
    for method, name, args, data in ASSESSOR_URLS:
        response = getattr(client, method)(reverse(name, args=(w.b.participation.pk, *args)), data)
        assert response.status_code == 404, (method, name)
    assert external_snapshot() == before


def test_assignment_in_another_round_gives_no_access_to_this_round(external_world: ExternalWorld) -> None:
    """assessor2 assesses agency A in 2024 only: A's 2025 participation stays out of reach."""
    w = external_world
    earlier = Round.objects.create(year=2024, name="Evaluasi SPBE 2024", framework_id="spbe-2020")
    AssessorAssignment.objects.create(round=earlier, agency=w.a.agency, assessor=w.assessor2)
    client = login(w.assessor2)
    before = external_snapshot()
    for method, name, args, data in ASSESSOR_URLS:
        response = getattr(client, method)(reverse(name, args=(_pid(w), *args)), data)
        assert response.status_code == 404, (method, name)
    assert external_snapshot() == before


def test_declared_conflict_removes_the_assignment_and_the_access(external_world: ExternalWorld) -> None:
    w = external_world
    services.declare_conflict(w.act(w.assessor1), w.assessor1, w.a.agency, "Saudara kandung di Dinas Kominfo")
    assert not AssessorAssignment.objects.filter(assessor=w.assessor1).exists()
    assert login(w.assessor1).get(reverse("external:worklist", args=(_pid(w), "dokumen"))).status_code == 404
    # Another assessor may not declare a conflict for someone else; the admin may.
    with pytest.raises(Exception, match="manage_rounds"):
        services.declare_conflict(w.act(w.assessor2), w.assessor1, w.b.agency)
    services.declare_conflict(w.act(w.admin), w.assessor2, w.b.agency)
    assert not AssessorAssignment.objects.exists()


def test_unrelated_unit_respondent_cannot_answer_a_clarification(external_world: ExternalWorld) -> None:
    w = external_world
    _asked(w)
    url = reverse("external:agency_clarifications", args=(_pid(w),))
    client = login(w.a.users["respondent_bappeda"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="answer"' not in page.content.decode()  # no form for an indicator of another unit
    before = external_snapshot()
    response = client.post(url, {"clarification": Clarification.objects.get().pk, "answer": "Bukan urusan kami"})
    assert response.status_code == 403
    assert external_snapshot() == before
    # Clarifications of agency B cannot be answered through agency A's page (nor the reverse).
    services.ask(w.act(w.assessor2), w.b.participation, N, "dokumen", "Pertanyaan untuk B")
    other = Clarification.objects.get(participation=w.b.participation)
    before = external_snapshot()
    coordinator = login(w.a.users["coordinator"])
    for pk in (other.pk, "abc", ""):
        assert coordinator.post(url, {"clarification": pk, "answer": "Menyusup"}).status_code == 404
    assert external_snapshot() == before


@pytest.mark.parametrize(
    ("who", "stage", "number"),
    [
        ("assessor1", "mandiri", 1),
        ("assessor1", "reviu", 1),
        ("assessor1", "unknown", 1),
        ("assessor1", "dokumen", 0),
        ("assessor1", "dokumen", 48),
        ("assessor2", "interviu", 1),  # B is in Pemantauan: no interview
        ("assessor2", "visitasi", 1),
    ],
)
def test_stages_and_indicators_that_do_not_apply_are_404(
    external_world: ExternalWorld, who: str, stage: str, number: int
) -> None:
    w = external_world
    participation = w.a.participation if who == "assessor1" else w.b.participation
    client = login(getattr(w, who))
    before = external_snapshot()
    assert client.get(reverse("external:score", args=(participation.pk, stage, number))).status_code == 404
    data = {"level": "1", "justifikasi": "J", "version": ""}
    assert client.post(reverse("external:score", args=(participation.pk, stage, number)), data).status_code == 404
    if number == 1:
        assert client.get(reverse("external:worklist", args=(participation.pk, stage))).status_code == 404
    assert external_snapshot() == before


def test_visit_pages_exist_only_for_agencies_with_a_visit(external_world: ExternalWorld) -> None:
    w = external_world
    client = login(w.assessor1)
    url = reverse("external:worklist", args=(_pid(w), "visitasi"))
    assert client.get(url).status_code == 200
    services.set_visit(w.act(w.admin), w.a.participation, False)
    assert client.get(url).status_code == 404


def test_missing_ids_are_404_for_the_admin(external_world: ExternalWorld) -> None:
    w = external_world
    client = login(w.admin)
    missing = Participation.objects.order_by("-pk").first().pk + 1000
    before = external_snapshot()
    for name, args in (
        ("external:worklist", (missing, "dokumen")),
        ("external:score", (missing, "dokumen", 1)),
        ("external:notes", (missing,)),
        ("external:review_agency", (missing,)),
        ("results:agency", (missing,)),
        ("external:stages", (missing, 1)),
        ("external:agency_clarifications", (missing,)),
        ("external:assessors", (w.round.pk + 1000,)),
        ("results:finalisation", (w.round.pk + 1000,)),
        ("results:round", (w.round.pk,)),  # nothing published yet
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert external_snapshot() == before


def test_unpublished_revisions_are_not_shown_outside_the_national_team(external_world: ExternalWorld) -> None:
    w = external_world
    _finalised(w)
    for user in (w.a.users["coordinator"], w.assessor1, w.admin):
        client = login(user)
        assert client.get(reverse("results:round", args=(w.round.pk,))).status_code == 404
        assert w.round.name not in client.get(reverse("results:published")).content.decode()


def test_malformed_admin_posts_change_nothing(external_world: ExternalWorld) -> None:
    w = external_world
    client = login(w.admin)
    before = external_snapshot()
    for data in (
        {"action": "visit", "participation": "abc", "with_visit": "1"},
        {"action": "release", "stage": "mandiri"},
        {"action": "release", "stage": "nonsense"},
        {"action": "upload"},
        {"action": "something"},
    ):
        response = client.post(_assessors_url(w), data)
        assert response.status_code in (302, 404), data
    for data in ({"action": "publish", "snapshot": "abc"}, {"action": "publish", "snapshot": "999"}):
        assert client.post(_finalisation_url(w), data).status_code in (302, 404), data
    assert external_snapshot() == before


def test_windows_of_other_rounds_do_not_open_this_one(external_world: ExternalWorld) -> None:
    """A closed dokumen window of this round is not reopened by another round's open one."""
    w = external_world
    now = timezone.now()
    StageWindow.objects.filter(round=w.round, stage="dokumen").update(
        opens=now - timedelta(days=10), closes=now - timedelta(days=1)
    )
    other = Round.objects.create(year=2026, name="Evaluasi SPBE 2026", framework_id="spbe-2020")
    StageWindow.objects.create(round=other, stage="dokumen", opens=now - timedelta(days=1), closes=now + timedelta(1))
    before = external_snapshot()
    response = login(w.assessor1).post(_score_url(w), {"level": "2", "justifikasi": "J", "version": ""})
    assert response.status_code == 400
    assert external_snapshot() == before
