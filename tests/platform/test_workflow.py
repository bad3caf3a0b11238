"""The self-assessment workflow, through the services and the pages.

Saving with its audit trail, the unit ↔ coordinator exchange and every illegal step, stage windows (closed,
upcoming, extended for one agency), edit conflicts, bad form input, starting from last year, and submission
(freeze, reopen, signed scans, lock, the generated documents).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

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
from indeks.errors import ActionRefused, EditConflict
from indeks.registry.models import Agency, AgencyKind
from indeks.rounds import services as services_rounds
from indeks.rounds.models import Participation, ParticipationStatus, Round, StageWindow, WindowExtension
from indeks.rounds.services import extend_window
from tests.platform.conftest import (
    MINIMAL_PDF,
    MINIMAL_PNG,
    World,
    add_answer,
    add_general_question,
    close_window,
    complete,
    login,
    previous_participation,
    snapshot,
    to_signing,
)

pytestmark = pytest.mark.usefixtures("english")


def _when(moment: Any) -> str:
    """How a window's date appears in the messages (English: 22 November 2026, 14:05)."""
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _refused(call: Callable[[], Any], *fragments: str) -> ActionRefused:
    """The call is refused with a message containing every fragment, and the database is untouched."""
    before = snapshot()
    with pytest.raises(ActionRefused) as caught:
        call()
    message = str(caught.value.message)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert snapshot() == before
    return caught.value


def _save(world: World, who: str, indicator: int = 1, version: int | None = None, **fields: Any) -> Answer:
    values = {"level": 3, "fakta": "Ada SK", "analisis": "Sudah berjalan"} | fields
    return services.save_answer(world.a.actor(who), world.a.participation, indicator, version=version, **values)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- saving and the audit trail --------------------------------------------------------------------------------


def test_save_creates_the_answer_and_one_audit_entry_per_changed_field(world: World) -> None:
    user = world.a.users["respondent_hukum"]
    answer = _save(world, "respondent_hukum", level=2, fakta="  Ada SK  ", analisis="Sudah berjalan")
    answer.refresh_from_db()
    assert (answer.level, answer.fakta, answer.analisis) == (2, "Ada SK", "Sudah berjalan")
    assert answer.status == AnswerStatus.DRAFT
    assert answer.version == 1
    assert answer.updated_by == user
    entries = AuditEntry.objects.filter(action="answer.save", indicator=1)
    assert sorted((e.field, e.old, e.new, e.actor_id) for e in entries) == [
        ("analisis", "", "Sudah berjalan", user.pk),
        ("fakta", "", "Ada SK", user.pk),
        ("level", "", "2", user.pk),
    ]
    assert {e.participation_id for e in entries} == {world.a.participation.pk}
    assert {e.agency_id for e in entries} == {world.a.agency.pk}
    assert {e.stage for e in entries} == {"mandiri"}

    operator = world.a.users["operator"]
    _save(world, "operator", version=1, level=4, fakta="Ada SK", analisis="Sudah berjalan")
    latest = AuditEntry.objects.filter(action="answer.save", indicator=1, actor=operator)
    assert [(e.field, e.old, e.new) for e in latest] == [("level", "2", "4")]
    answer.refresh_from_db()
    assert (answer.level, answer.version, answer.updated_by) == (4, 2, operator)


def test_save_refuses_a_level_off_the_ladder(world: World) -> None:
    for level in (0, 6, 9):
        _refused(lambda level=level: _save(world, "coordinator", level=level), "between 1 and 5")


def test_contributor_may_edit_but_not_submit(world: World) -> None:
    _save(world, "respondent_kominfo")
    with pytest.raises(PermissionDenied):
        services.submit_answer(world.a.actor("respondent_kominfo"), world.a.participation, 1)
    assert Answer.objects.get(participation=world.a.participation, indicator=1).status == AnswerStatus.DRAFT


# --- the exchange between unit and coordinator -------------------------------------------------------------------


def test_submit_accept_return_and_resubmit(world: World) -> None:
    p = world.a.participation
    coordinator = world.a.actor("coordinator")
    _save(world, "respondent_hukum")
    assert services.submit_answer(world.a.actor("respondent_hukum"), p, 1).status == AnswerStatus.SUBMITTED
    assert services.accept_answer(coordinator, p, 1).status == AnswerStatus.ACCEPTED
    returned = services.return_answer(coordinator, p, 1, "  Bukti dukung belum lengkap.  ")
    assert returned.status == AnswerStatus.RETURNED
    entry = AuditEntry.objects.get(action="answer.returned", indicator=1)
    assert (entry.field, entry.old, entry.new, entry.note) == (
        "status",
        "accepted",
        "returned",
        "Bukti dukung belum lengkap.",
    )
    assert entry.actor == world.a.users["coordinator"]
    # The unit revises the returned answer and sends it again.
    _save(world, "respondent_hukum", version=returned.version, fakta="SK dan laporan")
    assert services.submit_answer(world.a.actor("respondent_hukum"), p, 1).status == AnswerStatus.SUBMITTED
    assert list(AuditEntry.objects.filter(indicator=1, field="status").order_by("pk").values_list("old", "new")) == [
        ("draft", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "returned"),
        ("returned", "submitted"),
    ]


def test_coordinator_may_return_a_submitted_answer(world: World) -> None:
    add_answer(world.a.participation, 1, status=AnswerStatus.SUBMITTED)
    answer = services.return_answer(world.a.actor("coordinator"), world.a.participation, 1, "Perbaiki analisis.")
    assert answer.status == AnswerStatus.RETURNED


ILLEGAL = [
    # (starting status, who, step, expected words)
    (AnswerStatus.DRAFT, "coordinator", "accept", "Draft"),
    (AnswerStatus.DRAFT, "coordinator", "return", "Draft"),
    (AnswerStatus.RETURNED, "coordinator", "accept", "Returned"),
    (AnswerStatus.RETURNED, "coordinator", "return", "Returned"),
    (AnswerStatus.ACCEPTED, "coordinator", "accept", "Accepted"),
    (AnswerStatus.SUBMITTED, "coordinator", "submit", "Submitted"),
    (AnswerStatus.ACCEPTED, "coordinator", "submit", "Accepted"),
    (AnswerStatus.SUBMITTED, "respondent_hukum", "submit", "Submitted"),
    (AnswerStatus.ACCEPTED, "respondent_hukum", "submit", "Accepted"),
    (AnswerStatus.SUBMITTED, "respondent_hukum", "edit", "ask them to return it"),
    (AnswerStatus.ACCEPTED, "respondent_hukum", "edit", "ask them to return it"),
    (AnswerStatus.SUBMITTED, "respondent_kominfo", "edit", "ask them to return it"),
    (AnswerStatus.DRAFT, "coordinator", "recheck", "nothing to re-check"),
]


@pytest.mark.parametrize(("status", "who", "step", "words"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(
    world: World, status: str, who: str, step: str, words: str
) -> None:
    answer = add_answer(world.a.participation, 1, status=status)
    actor, p = world.a.actor(who), world.a.participation
    calls = {
        "submit": lambda: services.submit_answer(actor, p, 1),
        "accept": lambda: services.accept_answer(actor, p, 1),
        "return": lambda: services.return_answer(actor, p, 1, "Perbaiki."),
        "recheck": lambda: services.confirm_recheck(actor, p, 1),
        "edit": lambda: services.save_answer(
            actor, p, 1, level=5, fakta="Diubah", analisis="Diubah", version=answer.version
        ),
    }
    _refused(calls[step], words)
    answer.refresh_from_db()
    assert answer.status == status


def test_illegal_transition_through_the_page_shows_the_message(world: World) -> None:
    add_answer(world.a.participation, 1)
    client = login(world.a.users["coordinator"])
    before = snapshot()
    url = reverse("assessment:indicator_action", args=(world.a.participation.pk, 1, "accept"))
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessment:indicator", args=(world.a.participation.pk, 1))
    assert any("that step is not possible now" in m for m in _messages(response))
    assert snapshot() == before


def test_submit_requires_level_fakta_and_analisis(world: World) -> None:
    add_answer(world.a.participation, 1, level=None, fakta="", analisis="Ada")
    error = _refused(
        lambda: services.submit_answer(world.a.actor("respondent_hukum"), world.a.participation, 1),
        "Fill in before submitting",
        "level",
        "Fakta",
    )
    assert "Analisis" not in str(error.message)


def test_submit_an_unanswered_indicator_is_refused(world: World) -> None:
    _refused(
        lambda: services.submit_answer(world.a.actor("coordinator"), world.a.participation, 7), "has no answer yet"
    )


@pytest.mark.parametrize("note", ["", "   \n "])
def test_return_requires_a_note(world: World, note: str) -> None:
    add_answer(world.a.participation, 1, status=AnswerStatus.SUBMITTED)
    _refused(
        lambda: services.return_answer(world.a.actor("coordinator"), world.a.participation, 1, note),
        "Write a note",
    )


def test_return_without_note_through_the_page(world: World) -> None:
    add_answer(world.a.participation, 1, status=AnswerStatus.SUBMITTED)
    before = snapshot()
    response = login(world.a.users["coordinator"]).post(
        reverse("assessment:indicator_action", args=(world.a.participation.pk, 1, "return")), {"note": ""}, follow=True
    )
    assert any("Write a note" in m for m in _messages(response))
    assert snapshot() == before


def test_returned_note_is_shown_to_the_unit(world: World) -> None:
    add_answer(world.a.participation, 1, status=AnswerStatus.SUBMITTED)
    login(world.a.users["coordinator"]).post(
        reverse("assessment:indicator_action", args=(world.a.participation.pk, 1, "return")),
        {"note": "Lampirkan SK terbaru."},
    )
    page = login(world.a.users["respondent_hukum"]).get(
        reverse("assessment:indicator", args=(world.a.participation.pk, 1))
    )
    assert "Lampirkan SK terbaru." in page.content.decode()


# --- stage windows -----------------------------------------------------------------------------------------------


def _every_change(world: World) -> dict[str, Callable[[], Any]]:
    p = world.a.participation
    coordinator = world.a.actor("coordinator")
    question = world.round.general_questions.get()
    return {
        "save": lambda: services.save_answer(coordinator, p, 2, level=3, fakta="f", analisis="a", version=None),
        "submit": lambda: services.submit_answer(coordinator, p, 3),
        "accept": lambda: services.accept_answer(coordinator, p, 4),
        "return": lambda: services.return_answer(coordinator, p, 4, "Perbaiki."),
        "recheck": lambda: services.confirm_recheck(coordinator, p, 5),
        "assign": lambda: services.assign_indicator(coordinator, p, 1, world.a.units["bappeda"], []),
        "prefill": lambda: services.prefill_from_previous(coordinator, p),
        "general": lambda: services.save_general_answer(coordinator, p, question, "Jawaban", None),
        "prepare": lambda: services.prepare_submission(coordinator, p),
    }


def _window_setup(world: World) -> None:
    add_general_question(world.round)
    add_answer(world.a.participation, 3)
    add_answer(world.a.participation, 4, status=AnswerStatus.SUBMITTED)
    add_answer(world.a.participation, 5, needs_recheck=True)
    add_answer(previous_participation(world.a), 6, level=4)


@pytest.mark.parametrize(
    "change", ["save", "submit", "accept", "return", "recheck", "assign", "prefill", "general", "prepare"]
)
def test_closed_window_refuses_every_change_naming_the_date(world: World, change: str) -> None:
    _window_setup(world)
    if change == "prepare":
        complete(world.a.participation)
    close_window(world.a.participation)
    closes = StageWindow.objects.get(round=world.round, stage="mandiri").closes
    _refused(_every_change(world)[change], "closed on", _when(closes))


def test_closed_window_refuses_signing_steps(world: World) -> None:
    to_signing(world)
    close_window(world.a.participation)
    closes = StageWindow.objects.get(round=world.round, stage="mandiri").closes
    p, coordinator = world.a.participation, world.a.actor("coordinator")
    _refused(lambda: services.cancel_signing(coordinator, p), "closed on", _when(closes))
    upload = SimpleUploadedFile("ba.pdf", MINIMAL_PDF)
    _refused(
        lambda: services.upload_signed(coordinator, p, SignedDocumentKind.BERITA_ACARA, upload),
        "closed on",
        _when(closes),
    )


def test_closed_window_through_the_page(world: World) -> None:
    close_window(world.a.participation)
    closes = StageWindow.objects.get(round=world.round, stage="mandiri").closes
    before = snapshot()
    response = login(world.a.users["coordinator"]).post(
        reverse("assessment:indicator", args=(world.a.participation.pk, 1)),
        {"level": "3", "fakta": "f", "analisis": "a", "version": "0"},
    )
    assert response.status_code == 400
    assert _when(closes) in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("change", ["save", "submit", "assign", "general"])
def test_upcoming_window_refuses_changes_naming_the_opening_date(world: World, change: str) -> None:
    _window_setup(world)
    opens = timezone.now() + timedelta(days=3)
    StageWindow.objects.filter(round=world.round, stage="mandiri").update(
        opens=opens, closes=opens + timedelta(days=10)
    )
    _refused(_every_change(world)[change], "opens on", _when(opens))


def test_stage_without_a_window_refuses_changes(world: World) -> None:
    StageWindow.objects.filter(round=world.round, stage="mandiri").delete()
    _refused(lambda: _save(world, "coordinator"), "has no schedule")


def test_window_extension_lets_one_agency_save_after_the_round_closed(world: World) -> None:
    close_window(world.a.participation)
    closes = timezone.now() + timedelta(days=7)
    _refused(
        lambda: extend_window(world.admin_actor(), world.a.participation, "mandiri", closes, "  "),
        "reason",
    )
    window_closes = StageWindow.objects.get(round=world.round, stage="mandiri").closes
    _refused(
        lambda: extend_window(
            world.admin_actor(), world.a.participation, "mandiri", window_closes - timedelta(hours=1), "Banjir"
        ),
        "must close after",
    )
    with pytest.raises(PermissionDenied):
        extend_window(world.a.actor("coordinator"), world.a.participation, "mandiri", closes, "Sendiri")
    assert not WindowExtension.objects.exists()

    extend_window(world.admin_actor(), world.a.participation, "mandiri", closes, "Bencana banjir")
    entry = AuditEntry.objects.get(action="window.extend")
    assert (entry.participation, entry.new, entry.note) == (
        world.a.participation,
        closes.isoformat(),
        "Bencana banjir",
    )
    answer = _save(world, "coordinator")
    assert answer.pk is not None
    _refused(
        lambda: services.save_answer(
            world.b.actor("coordinator"), world.b.participation, 1, level=3, fakta="f", analisis="a", version=None
        ),
        "closed on",
    )
    # and through the pages: A's coordinator saves, B's is refused
    ok = login(world.a.users["coordinator"]).post(
        reverse("assessment:indicator", args=(world.a.participation.pk, 2)),
        {"level": "2", "fakta": "f", "analisis": "a", "version": "0"},
    )
    assert ok.status_code == 302
    assert Answer.objects.get(participation=world.a.participation, indicator=2).level == 2
    refused = login(world.b.users["coordinator"]).post(
        reverse("assessment:indicator", args=(world.b.participation.pk, 2)),
        {"level": "2", "fakta": "f", "analisis": "a", "version": "0"},
    )
    assert refused.status_code == 400
    assert not Answer.objects.filter(participation=world.b.participation).exists()


# --- edit conflicts ------------------------------------------------------------------------------------------------


def test_edit_conflict_refuses_the_second_save_and_lists_the_changes(world: World) -> None:
    first = _save(world, "coordinator", level=2, fakta="Awal", analisis="Awal")
    loaded = first.version  # both people open the form at this version
    _save(world, "respondent_hukum", version=loaded, level=3, fakta="Versi unit", analisis="Awal")
    before = snapshot()
    with pytest.raises(EditConflict) as caught:
        _save(world, "operator", version=loaded, level=3, fakta="Versi operator", analisis="Analisis operator")
    conflict = caught.value
    assert conflict.changes == {
        "fakta": ("Versi unit", "Versi operator"),
        "analisis": ("Awal", "Analisis operator"),
    }
    assert conflict.current.version == loaded + 1
    assert "Someone else saved" in str(conflict.message)
    assert snapshot() == before
    saved = Answer.objects.get(participation=world.a.participation, indicator=1)
    assert (saved.fakta, saved.updated_by) == ("Versi unit", world.a.users["respondent_hukum"])


def test_edit_conflict_when_both_create_the_first_answer(world: World) -> None:
    _save(world, "coordinator", version=None, fakta="Pertama")
    with pytest.raises(EditConflict) as caught:
        _save(world, "operator", version=None, fakta="Kedua")
    assert caught.value.changes == {"fakta": ("Pertama", "Kedua")}
    assert Answer.objects.get(participation=world.a.participation, indicator=1).fakta == "Pertama"


def test_edit_conflict_through_the_page_is_409_with_both_values(world: World) -> None:
    answer = _save(world, "coordinator", fakta="Awal")
    url = reverse("assessment:indicator", args=(world.a.participation.pk, 1))
    first = login(world.a.users["respondent_hukum"]).post(
        url, {"level": "3", "fakta": "Disimpan lebih dulu", "analisis": "Sudah berjalan", "version": answer.version}
    )
    assert first.status_code == 302
    before = snapshot()
    second = login(world.a.users["operator"]).post(
        url, {"level": "3", "fakta": "Disimpan belakangan", "analisis": "Sudah berjalan", "version": answer.version}
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved this indicator" in page
    assert "Disimpan lebih dulu" in page
    assert "Disimpan belakangan" in page
    # the fresh form carries the current version, so saving again from it works
    assert second.context["form"].initial["version"] == answer.version + 1
    assert snapshot() == before
    # htmx gets the fragment with the same status
    htmx = login(world.a.users["operator"]).post(
        url,
        {"level": "3", "fakta": "Disimpan belakangan", "analisis": "x", "version": answer.version},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 409
    assert "<html" not in htmx.content.decode().lower()
    assert "Disimpan lebih dulu" in htmx.content.decode()


def test_general_answer_conflict(world: World) -> None:
    question = add_general_question(world.round)
    p = world.a.participation
    first = services.save_general_answer(world.a.actor("coordinator"), p, question, "Jawaban koordinator", None)
    with pytest.raises(EditConflict) as caught:
        services.save_general_answer(world.a.actor("operator"), p, question, "Jawaban operator", None)
    assert caught.value.changes == {"text": ("Jawaban koordinator", "Jawaban operator")}
    updated = services.save_general_answer(world.a.actor("operator"), p, question, "Jawaban operator", first.version)
    assert (updated.text, updated.version) == ("Jawaban operator", 2)
    assert AuditEntry.objects.filter(action="general.save").count() == 2
    _refused(lambda: services.save_general_answer(world.a.actor("operator"), p, question, "  ", 2), "cannot be empty")


def test_general_answer_for_another_rounds_question_is_refused(world: World) -> None:
    other_round_question = add_general_question(previous_participation(world.a).round)
    _refused(
        lambda: services.save_general_answer(
            world.a.actor("coordinator"), world.a.participation, other_round_question, "x", None
        ),
        "another round",
    )


# --- bad form input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["9", "abc", "0", "-1", "3.5"])
def test_bad_level_in_the_form_is_400_and_saves_nothing(world: World, level: str) -> None:
    before = snapshot()
    response = login(world.a.users["coordinator"]).post(
        reverse("assessment:indicator", args=(world.a.participation.pk, 1)),
        {"level": level, "fakta": "f", "analisis": "a", "version": "0"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before


def test_bad_version_in_the_form_is_400(world: World) -> None:
    before = snapshot()
    response = login(world.a.users["coordinator"]).post(
        reverse("assessment:indicator", args=(world.a.participation.pk, 1)),
        {"level": "3", "fakta": "f", "analisis": "a", "version": "x"},
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_save_against_a_vanished_answer_is_refused(world: World) -> None:
    before = snapshot()
    response = login(world.a.users["coordinator"]).post(
        reverse("assessment:indicator", args=(world.a.participation.pk, 1)),
        {"level": "3", "fakta": "f", "analisis": "a", "version": "4"},
    )
    assert response.status_code == 400
    assert "no longer exists" in response.content.decode()
    assert snapshot() == before


def test_assignments_form_reports_unknown_units(world: World) -> None:
    before = snapshot()
    response = login(world.a.users["coordinator"]).post(
        reverse("assessment:assignments", args=(world.a.participation.pk,)),
        {"owner-2": "abc", "owner-3": "999999"},
        follow=True,
    )
    messages = _messages(response)
    assert "Indicator 2: unknown unit." in messages
    assert "Indicator 3: unknown unit." in messages
    assert snapshot() == before


def test_assign_indicator_saves_and_audits(world: World) -> None:
    units = world.a.units
    services.assign_indicator(
        world.a.actor("coordinator"), world.a.participation, 12, units["bappeda"], [units["kominfo"], units["bappeda"]]
    )
    assignment = IndicatorAssignment.objects.get(participation=world.a.participation, indicator=12)
    assert assignment.owner == units["bappeda"]
    assert list(assignment.contributors.all()) == [units["kominfo"]]  # the owner is not its own contributor
    entries = dict(AuditEntry.objects.filter(action="assignment.set", indicator=12).values_list("field", "new"))
    assert entries == {"owner": units["bappeda"].name, "contributors": units["kominfo"].name}
    _refused(
        lambda: services.assign_indicator(
            world.a.actor("coordinator"), world.a.participation, 12, world.b.units["hukum"], []
        ),
        "Units must belong to this agency",
    )


# --- starting from last year ------------------------------------------------------------------------------------------


def test_prefill_takes_what_the_agency_may_see_and_marks_to_recheck(world: World) -> None:
    previous = previous_participation(world.a)
    add_answer(previous, 1, level=2, fakta="Fakta mandiri", stage="mandiri")
    add_answer(previous, 1, level=4, fakta="Fakta dokumen", analisis="Analisis dokumen", stage="dokumen")
    add_answer(previous, 2, level=3, stage="mandiri")
    add_answer(previous, 3, level=2, stage="mandiri")
    add_answer(previous, 3, level=None, stage="dokumen")  # a stage that set no level does not count
    add_answer(previous, 4, level=1, stage="mandiri")
    mine = add_answer(world.a.participation, 4, level=5, fakta="Tahun ini")  # never overwritten
    coordinator = world.a.users["coordinator"]

    count = services.prefill_from_previous(world.a.actor("coordinator"), world.a.participation)

    assert count == 3
    copied = {a.indicator: a for a in Answer.objects.filter(participation=world.a.participation, stage="mandiri")}
    # Last round is not published: its own self-assessment, never the assessors' unpublished level.
    assert (copied[1].level, copied[1].fakta) == (2, "Fakta mandiri")
    assert copied[2].level == 3
    assert copied[3].level == 2
    assert all(copied[n].needs_recheck for n in (1, 2, 3))
    assert all(copied[n].status == AnswerStatus.DRAFT for n in (1, 2, 3))
    assert all(copied[n].updated_by == coordinator for n in (1, 2, 3))
    mine.refresh_from_db()
    assert (mine.level, mine.fakta, mine.needs_recheck) == (5, "Tahun ini", False)
    entry = AuditEntry.objects.get(action="answer.prefill")
    assert entry.actor == coordinator
    assert "3 indicators" in entry.note

    # Prefilled answers block the submission until re-checked
    assert "Indicator 1 is still marked to re-check." in services.submission_problems(world.a.participation)

    # confirm_recheck clears the mark and audits
    confirmed = services.confirm_recheck(world.a.actor("respondent_hukum"), world.a.participation, 1)
    assert confirmed.needs_recheck is False
    assert confirmed.level == 2
    entry = AuditEntry.objects.get(action="answer.recheck", indicator=1)
    assert (entry.field, entry.old, entry.new, entry.actor) == (
        "needs_recheck",
        "True",
        "False",
        world.a.users["respondent_hukum"],
    )
    _refused(
        lambda: services.confirm_recheck(world.a.actor("respondent_hukum"), world.a.participation, 1),
        "nothing to re-check",
    )

    # saving a prefilled answer also clears the mark, and says so in the audit trail
    _save(world, "respondent_hukum", indicator=2, version=copied[2].version, level=3)
    assert not Answer.objects.get(participation=world.a.participation, indicator=2).needs_recheck
    assert AuditEntry.objects.filter(action="answer.recheck", indicator=2).exists()

    # a second prefill copies nothing more
    assert services.prefill_from_previous(world.a.actor("coordinator"), world.a.participation) == 0


def test_prefill_through_the_page_and_recheck_action(world: World) -> None:
    add_answer(previous_participation(world.a), 1, level=4)
    client = login(world.a.users["coordinator"])
    response = client.post(reverse("assessment:prefill", args=(world.a.participation.pk,)), follow=True)
    assert any("1 indicators pre-filled" in m for m in _messages(response))
    assert Answer.objects.get(participation=world.a.participation, indicator=1).needs_recheck
    client.post(reverse("assessment:indicator_action", args=(world.a.participation.pk, 1, "recheck")))
    assert not Answer.objects.get(participation=world.a.participation, indicator=1).needs_recheck


def test_prefill_refuses_another_framework(world: World) -> None:
    add_answer(previous_participation(world.a, framework_id="spbe-2018"), 1, level=4)
    _refused(
        lambda: services.prefill_from_previous(world.a.actor("coordinator"), world.a.participation),
        "another framework",
        "spbe-2018",
    )


def test_prefill_refuses_without_an_earlier_round(world: World) -> None:
    _refused(
        lambda: services.prefill_from_previous(world.a.actor("coordinator"), world.a.participation),
        "no earlier round",
    )


def test_prefill_uses_the_agencys_own_previous_round_only(world: World) -> None:
    add_answer(previous_participation(world.b), 1, level=5)
    _refused(
        lambda: services.prefill_from_previous(world.a.actor("coordinator"), world.a.participation),
        "no earlier round",
    )


# --- submission ------------------------------------------------------------------------------------------------------


def test_submission_problems_list_what_is_missing(world: World) -> None:
    add_general_question(world.round, 1)
    add_general_question(world.round, 2, "Kendala?")
    p = world.a.participation
    add_answer(p, 1, status=AnswerStatus.ACCEPTED)
    add_answer(p, 2, status=AnswerStatus.SUBMITTED)
    add_answer(p, 3, level=None)
    add_answer(p, 4, status=AnswerStatus.ACCEPTED, needs_recheck=True)
    services.save_general_answer(
        world.a.actor("coordinator"), p, world.round.general_questions.get(number=1), "Ya", None
    )
    problems = services.submission_problems(p)
    assert not any(x.startswith("Indicator 1 ") for x in problems)
    assert "Indicator 2 is not accepted by the coordinator (Submitted to the coordinator)." in problems
    assert "Indicator 3 has no level." in problems
    assert "Indicator 4 is still marked to re-check." in problems
    assert "Indicator 47 has no level." in problems
    assert "General question 2 has no answer." in problems
    assert "General question 1 has no answer." not in problems
    assert len(problems) == 46 + 1

    error = _refused(lambda: services.prepare_submission(world.a.actor("coordinator"), p), "not complete yet")
    assert error.problems == problems

    page = login(world.a.users["coordinator"]).get(reverse("assessment:submission", args=(p.pk,)))
    assert "Indicator 3 has no level." in page.content.decode()
    assert "Freeze answers and create the documents" not in page.content.decode()


def test_prepare_locks_answers_and_cancel_reopens(world: World) -> None:
    complete(world.a.participation)
    p = world.a.participation
    coordinator = world.a.actor("coordinator")
    frozen = services.prepare_submission(coordinator, p)
    assert frozen.status == ParticipationStatus.SIGNING
    assert frozen.version == 2
    entry = AuditEntry.objects.get(action="participation.signing")
    assert (entry.old, entry.new, entry.actor) == ("mandiri", "signing", world.a.users["coordinator"])
    p.refresh_from_db()

    version = Answer.objects.get(participation=p, indicator=1).version
    _refused(lambda: _save(world, "coordinator", version=version), "locked")
    _refused(lambda: services.return_answer(coordinator, p, 1, "Perbaiki."), "locked")
    _refused(lambda: services.assign_indicator(coordinator, p, 1, world.a.units["bappeda"], []), "locked")
    _refused(lambda: services.prepare_submission(coordinator, p), "locked")
    # the page no longer offers the form
    page = login(world.a.users["coordinator"]).get(reverse("assessment:indicator", args=(p.pk, 1)))
    assert 'name="fakta"' not in page.content.decode()

    reopened = services.cancel_signing(coordinator, p)
    assert reopened.status == ParticipationStatus.MANDIRI
    assert AuditEntry.objects.filter(action="participation.reopen").exists()
    p.refresh_from_db()
    _save(world, "coordinator", version=version, level=5)
    assert Answer.objects.get(participation=p, indicator=1).level == 5
    _refused(lambda: services.cancel_signing(coordinator, p), "not awaiting signatures")


def test_prepare_and_cancel_through_the_pages(world: World) -> None:
    complete(world.a.participation)
    client = login(world.a.users["coordinator"])
    pid = world.a.participation.pk
    response = client.post(reverse("assessment:submission_action", args=(pid, "prepare")), follow=True)
    assert any("Answers are frozen" in m for m in _messages(response))
    assert "Documents to sign" in response.content.decode()
    world.a.participation.refresh_from_db()
    assert world.a.participation.status == ParticipationStatus.SIGNING
    client.post(reverse("assessment:submission_action", args=(pid, "cancel")))
    world.a.participation.refresh_from_db()
    assert world.a.participation.status == ParticipationStatus.MANDIRI


def _upload(world: World, kind: str, upload: Any, who: str = "coordinator") -> SignedDocument:
    return services.upload_signed(world.a.actor(who), world.a.participation, kind, upload)


def test_upload_refuses_before_signing(world: World) -> None:
    _refused(
        lambda: _upload(world, SignedDocumentKind.BERITA_ACARA, SimpleUploadedFile("ba.pdf", MINIMAL_PDF)),
        "Generate the Berita Acara first",
    )


def test_upload_refuses_empty_wrong_content_and_too_large_files(world: World) -> None:
    to_signing(world)
    kind = SignedDocumentKind.BERITA_ACARA
    _refused(lambda: _upload(world, kind, SimpleUploadedFile("kosong.pdf", b"")), "kosong.pdf", "is empty")
    _refused(
        lambda: _upload(world, kind, SimpleUploadedFile("palsu.pdf", b"Ini bukan PDF, hanya teks.")),
        "palsu.pdf",
        "not a PDF, PNG or JPEG",
    )
    _refused(
        lambda: _upload(world, kind, SimpleUploadedFile("skrip.pdf", b"<html><script>alert(1)</script>")),
        "not a PDF, PNG or JPEG",
    )
    big = SimpleUploadedFile("besar.pdf", MINIMAL_PDF)
    big.size = 20 * 1024 * 1024 + 1
    _refused(lambda: _upload(world, kind, big), "besar.pdf", "larger than 20 MB")
    _refused(lambda: _upload(world, "surat_lain", SimpleUploadedFile("x.pdf", MINIMAL_PDF)), "Unknown document type")
    assert not SignedDocument.objects.exists()


def test_upload_keeps_only_the_base_name(world: World) -> None:
    to_signing(world)
    document = _upload(
        world, SignedDocumentKind.BERITA_ACARA, SimpleUploadedFile("C:\\Users\\x\\..\\ba final.pdf", MINIMAL_PDF)
    )
    assert document.original_name == "ba final.pdf"
    assert ".." not in document.file.name


def test_both_signed_scans_submit_and_lock(world: World) -> None:
    to_signing(world)
    p = world.a.participation
    official = world.a.users["official"]
    ba = _upload(world, SignedDocumentKind.BERITA_ACARA, SimpleUploadedFile("ba.pdf", MINIMAL_PDF), who="official")
    assert ba.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert (ba.size, ba.uploaded_by, ba.original_name) == (len(MINIMAL_PDF), official, "ba.pdf")
    p.refresh_from_db()
    assert p.status == ParticipationStatus.SIGNING
    assert p.submitted_at is None
    # a second upload of the same kind replaces the first
    _upload(world, SignedDocumentKind.BERITA_ACARA, SimpleUploadedFile("ba-2.pdf", MINIMAL_PDF + b"\n"))
    assert SignedDocument.objects.filter(participation=p).count() == 1

    _upload(world, SignedDocumentKind.PERSETUJUAN_PUBLIKASI, SimpleUploadedFile("pp.png", MINIMAL_PNG))
    p.refresh_from_db()
    assert p.status == ParticipationStatus.SUBMITTED
    assert p.submitted_at is not None
    assert abs((timezone.now() - p.submitted_at).total_seconds()) < 60
    assert AuditEntry.objects.filter(action="participation.submit", new="submitted").exists()
    assert AuditEntry.objects.filter(action="signed.upload").count() == 3

    coordinator = world.a.actor("coordinator")
    version = Answer.objects.get(participation=p, indicator=1).version
    _refused(lambda: _save(world, "coordinator", version=version), "locked")
    _refused(lambda: services.return_answer(coordinator, p, 1, "Perbaiki."), "locked")
    _refused(lambda: services.cancel_signing(coordinator, p), "not awaiting signatures")
    _refused(lambda: services.prepare_submission(coordinator, p), "locked")
    _refused(
        lambda: _upload(world, SignedDocumentKind.BERITA_ACARA, SimpleUploadedFile("ba.pdf", MINIMAL_PDF)),
        "Generate the Berita Acara first",
    )


def test_upload_through_the_page(world: World) -> None:
    to_signing(world)
    client = login(world.a.users["official"])
    pid = world.a.participation.pk
    url = reverse("assessment:submission_action", args=(pid, SignedDocumentKind.BERITA_ACARA))
    before = snapshot()
    response = client.post(url, {"file": SimpleUploadedFile("teks.pdf", b"hanya teks")}, follow=True)
    assert any("not a PDF, PNG or JPEG" in m for m in _messages(response))
    response = client.post(url, {}, follow=True)
    assert any("Choose the signed scan" in m for m in _messages(response))
    assert snapshot() == before
    response = client.post(url, {"file": SimpleUploadedFile("ba.pdf", MINIMAL_PDF)}, follow=True)
    assert any("Signed scan received" in m for m in _messages(response))
    assert SignedDocument.objects.filter(participation=world.a.participation).count() == 1


def test_document_pdf_download(world: World) -> None:
    client = login(world.a.users["coordinator"])
    pid = world.a.participation.pk
    # before the answers are frozen there is nothing to sign
    response = client.get(reverse("assessment:document_pdf", args=(pid, SignedDocumentKind.BERITA_ACARA)), follow=True)
    assert any("Freeze the answers first" in m for m in _messages(response))
    to_signing(world)
    for kind in SignedDocumentKind.values:
        response = client.get(reverse("assessment:document_pdf", args=(pid, kind)))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert f'filename="{kind}-{world.a.agency.code}.pdf"' in response["Content-Disposition"]


def test_signed_download_returns_the_same_bytes_and_digest(world: World) -> None:
    to_signing(world)
    png = MINIMAL_PNG + b"tanda tangan"
    _upload(world, SignedDocumentKind.BERITA_ACARA, SimpleUploadedFile("ba.pdf", MINIMAL_PDF))
    _upload(world, SignedDocumentKind.PERSETUJUAN_PUBLIKASI, SimpleUploadedFile("persetujuan.png", png))
    client = login(world.a.users["official"])
    pid = world.a.participation.pk
    for kind, content, name in (
        (SignedDocumentKind.BERITA_ACARA, MINIMAL_PDF, "ba.pdf"),
        (SignedDocumentKind.PERSETUJUAN_PUBLIKASI, png, "persetujuan.png"),
    ):
        response = client.get(reverse("assessment:signed_download", args=(pid, kind)))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["X-Content-SHA256"] == hashlib.sha256(content).hexdigest()
        assert name in response["Content-Disposition"]
    page = client.get(reverse("assessment:submission", args=(pid,))).content.decode()
    assert hashlib.sha256(MINIMAL_PDF).hexdigest() in page


def test_general_answer_through_the_page(world: World) -> None:
    question = add_general_question(world.round)
    client = login(world.a.users["operator"])
    url = reverse("assessment:general", args=(world.a.participation.pk,))
    response = client.post(url, {"question": question.pk, "text": "Strategi tertulis", "version": ""}, follow=True)
    assert any("Answer to question 1 saved." in m for m in _messages(response))
    answer = GeneralAnswer.objects.get(participation=world.a.participation, question=question)
    assert answer.text == "Strategi tertulis"
    # a stale form: refused, the saved text shown, nothing overwritten
    response = client.post(url, {"question": question.pk, "text": "Lain", "version": ""}, follow=True)
    assert any("Someone else saved this answer" in m for m in _messages(response))
    assert any("Strategi tertulis" in m for m in _messages(response))
    before = snapshot()
    response = client.post(url, {"question": question.pk, "text": "", "version": "1"}, follow=True)
    assert any("cannot be empty" in m for m in _messages(response))
    response = client.post(url, {"question": "999999", "text": "x"}, follow=True)
    assert any("Unknown question." in m for m in _messages(response))
    assert snapshot() == before


# --- rounds (national admin) -------------------------------------------------------------------------------------


def test_create_round_validates_the_form_and_the_framework(world: World) -> None:
    client = login(world.admin)
    before = snapshot()
    response = client.post(
        reverse("rounds:list"),
        {
            "year": 2026,
            "name": "Evaluasi 2026",
            "framework_id": "spbe-2020",
            "mandiri_opens": "2026-03-10T08:00",
            "mandiri_closes": "2026-03-01T08:00",
        },
    )
    assert response.status_code == 400
    assert "The window must close after it opens." in response.content.decode()
    response = client.post(reverse("rounds:list"), {"year": 2026, "name": "Tanpa jadwal", "framework_id": "spbe-2020"})
    assert response.status_code == 400
    assert "The self-assessment window is required." in response.content.decode()
    response = client.post(
        reverse("rounds:list"),
        {"year": 2026, "name": "X", "framework_id": "rahasia", "mandiri_opens": "2026-03-01T08:00"},
    )
    assert response.status_code == 400
    assert snapshot() == before
    now = timezone.now()
    _refused(
        lambda: services_rounds.create_round(
            world.admin_actor(),
            year=2026,
            name="X",
            framework_id="rahasia",
            windows={"mandiri": (now, now + timedelta(days=1))},
        ),
        "Unknown framework",
    )


def test_create_round_through_the_page(world: World) -> None:
    response = login(world.admin).post(
        reverse("rounds:list"),
        {
            "year": 2026,
            "name": "Evaluasi SPBE 2026",
            "framework_id": "spbe-2020",
            "mandiri_opens": "2026-03-01T08:00",
            "mandiri_closes": "2026-04-30T17:00",
            "dokumen_opens": "2026-05-01T08:00",
            "dokumen_closes": "2026-05-31T17:00",
        },
    )
    created = Round.objects.get(name="Evaluasi SPBE 2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("rounds:detail", args=(created.pk,))
    windows = {w.stage: timezone.localtime(w.opens).strftime("%Y-%m-%d %H:%M") for w in created.windows.all()}
    assert windows == {"mandiri": "2026-03-01 08:00", "dokumen": "2026-05-01 08:00"}
    assert AuditEntry.objects.filter(action="round.create", actor=world.admin).exists()


def test_enrol_from_a_file_of_codes(world: World) -> None:
    Agency.objects.create(code="51.03", name="Kabupaten Badung", kind=AgencyKind.KABUPATEN)
    client = login(world.admin)
    url = reverse("rounds:detail", args=(world.round.pk,))
    before = snapshot()
    bad = SimpleUploadedFile("kode.csv", b"code,name\n51.03,Badung\n99.99,Tidak ada\n")
    response = client.post(url, {"enrol-activity": "evaluasi", "enrol-codes": bad}, follow=True)
    messages = _messages(response)
    assert "Line 3: no agency has the code '99.99'." in messages  # the file's own line (header is line 1)
    assert "Nothing was enrolled; correct the file and try again." in messages
    assert snapshot() == before
    response = client.post(url, {"enrol-activity": "evaluasi"}, follow=True)
    assert "Choose agency types, a province, or a file." in _messages(response)
    assert snapshot() == before

    good = SimpleUploadedFile("kode.csv", b"code\n51.03\n51.71\n")
    response = client.post(url, {"enrol-activity": "pemantauan", "enrol-codes": good}, follow=True)
    assert "1 agencies enrolled (1 already were)." in _messages(response)
    assert Participation.objects.get(round=world.round, agency__code="51.03").activity == "pemantauan"
    assert Participation.objects.get(pk=world.a.participation.pk).activity == "evaluasi"


def test_enrol_service_counts_and_refuses_unknown_activity(world: World) -> None:
    agencies = list(Agency.objects.all())
    round_2026 = previous_participation(world.a, year=2026).round
    added, already = services_rounds.enrol_agencies(world.admin_actor(), round_2026, agencies, "evaluasi")
    assert (added, already) == (1, 1)
    _refused(
        lambda: services_rounds.enrol_agencies(world.admin_actor(), round_2026, agencies, "liburan"),
        "Unknown activity type",
    )
    with pytest.raises(PermissionDenied):
        services_rounds.enrol_agencies(world.a.actor("coordinator"), round_2026, agencies, "evaluasi")


def test_extension_through_the_page_reports_unknown_agency_and_stage_without_window(world: World) -> None:
    client = login(world.admin)
    url = reverse("rounds:detail", args=(world.round.pk,))
    closes = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    before = snapshot()
    data = {"ext-agency": "00.00", "ext-stage": "mandiri", "ext-closes": closes, "ext-reason": "Banjir"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "No agency with code &#x27;00.00&#x27; takes part in this round." in response.content.decode()
    response = client.post(url, data | {"ext-agency": world.a.agency.code, "ext-stage": "visitasi"})
    assert "This stage has no schedule in the round." in response.content.decode()
    assert snapshot() == before


def test_saving_without_justifikasi_keeps_it(world: World) -> None:
    actor = world.a.actor("coordinator")
    first = services.save_answer(
        actor, world.a.participation, 20, level=3, fakta="f", analisis="a", justifikasi="dipertahankan", version=None
    )
    services.save_answer(actor, world.a.participation, 20, level=4, fakta="f", analisis="a", version=first.version)
    first.refresh_from_db()
    assert first.justifikasi == "dipertahankan"
    assert first.level == 4


def test_prefill_uses_the_published_result_once_published(world: World) -> None:
    from indeks.results.models import Snapshot, SnapshotResult

    previous = previous_participation(world.a)
    add_answer(previous, 1, level=2, fakta="Fakta mandiri", stage="mandiri")
    add_answer(previous, 1, level=4, fakta="Fakta dokumen", stage="dokumen")
    snapshot = Snapshot.objects.create(
        round=previous.round,
        revision=1,
        finalised_by=world.admin,
        published_at=timezone.now(),
        published_by=world.admin,
    )
    SnapshotResult.objects.create(
        snapshot=snapshot,
        participation=previous,
        agency=previous.agency,
        levels={"1": 4},
        index_exact="1.039",
        index_value="1.04",
        predicate="Kurang",
    )
    services.prefill_from_previous(world.a.actor("coordinator"), world.a.participation)
    copied = Answer.objects.get(participation=world.a.participation, stage="mandiri", indicator=1)
    assert (copied.level, copied.fakta) == (4, "Fakta mandiri")  # the published level, the agency's own words
