"""Behaviours of the external assessment: scoring rules, carry-forward, what the agency sees, clarifications,
review, assignment and balancing, audit, finalisation, publication and revisions, stage announcements."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from itertools import product
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indeks.assessment.models import Answer
from indeks.assessment.selectors import round_levels
from indeks.audit.models import AuditEntry
from indeks.core.engine import compute
from indeks.errors import ActionRefused, EditConflict
from indeks.external import services
from indeks.external.models import AspectNote, Clarification, Interview, ReviewDecision
from indeks.external.selectors import (
    assessor_queue,
    levels_by_stage,
    side_by_side,
    stage_indices,
    visible_stages,
)
from indeks.notifications.models import Notification
from indeks.notifications.services import announce_stage_changes
from indeks.registry.models import Agency, AgencyKind, Role, RoleAssignment
from indeks.results import services as results
from indeks.results.models import Snapshot, SnapshotResult
from indeks.rounds.models import (
    AssessorAssignment,
    ConflictOfInterest,
    Participation,
    ParticipationStatus,
    StageWindow,
)
from indeks.rounds.services import extend_window
from tests.external.conftest import (
    ExternalWorld,
    add_stage_levels,
    engine_result,
    external_level,
    external_snapshot,
    score_document_review,
)
from tests.platform.conftest import _user, close_window, login, make_agency

pytestmark = pytest.mark.usefixtures("english")


def _score(w: ExternalWorld, number: int, stage: str = "dokumen", level: int = 3, **extra: Any) -> Answer:
    participation = extra.pop("participation", w.a.participation)
    user = extra.pop("user", w.assessor1 if participation == w.a.participation else w.assessor2)
    fields = {"fakta": "Fakta", "analisis": "Analisis", "justifikasi": f"Level {level} karena bukti.", "version": None}
    fields.update(extra)
    return services.score(w.act(user), participation, number, stage, level=level, **fields)


def _value(value: Decimal) -> str:
    """An index as the English pages show it."""
    return f"{value:.2f}"


def _review_all(w: ExternalWorld, participation: Participation) -> None:
    ReviewDecision.objects.bulk_create(
        ReviewDecision(participation=participation, indicator=i.number, valid=True, decided_by=w.reviewer)
        for i in w.round.framework.indicators
    )


# --- scoring rules ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ParticipationStatus.MANDIRI, ParticipationStatus.SIGNING])
def test_scoring_needs_a_submitted_self_assessment(external_world: ExternalWorld, status: str) -> None:
    w = external_world
    Participation.objects.filter(pk=w.a.participation.pk).update(status=status)
    w.a.participation.refresh_from_db()
    before = external_snapshot()
    with pytest.raises(ActionRefused, match="has not submitted its self-assessment"):
        _score(w, 1)
    with pytest.raises(ActionRefused, match="has not submitted"):
        services.ask(w.act(w.assessor1), w.a.participation, 1, "dokumen", "Pertanyaan?")
    assert external_snapshot() == before


def test_scoring_only_while_the_stage_window_is_open(external_world: ExternalWorld) -> None:
    w = external_world
    close_window(w.a.participation, "dokumen")
    before = external_snapshot()
    with pytest.raises(ActionRefused, match=r"closed on .*can no longer change"):
        _score(w, 1)
    response = login(w.assessor1).post(
        reverse("external:score", args=(w.a.participation.pk, "dokumen", 1)),
        {"level": "3", "justifikasi": "Bukti lengkap", "version": ""},
    )
    assert response.status_code == 400
    assert "closed on" in response.content.decode()
    assert external_snapshot() == before
    # Upcoming and unscheduled windows are refused too.
    StageWindow.objects.filter(round=w.round, stage="interviu").update(
        opens=timezone.now() + timedelta(days=3), closes=timezone.now() + timedelta(days=9)
    )
    with pytest.raises(ActionRefused, match="opens on"):
        _score(w, 1, "interviu")
    StageWindow.objects.filter(round=w.round, stage="visitasi").delete()
    with pytest.raises(ActionRefused, match="no schedule"):
        _score(w, 1, "visitasi")
    assert not Answer.objects.exclude(stage="mandiri").exists()
    # An extension reopens the document stage for agency A only.
    extend_window(w.act(w.admin), w.a.participation, "dokumen", timezone.now() + timedelta(days=2), "Banjir")
    assert _score(w, 1).level == 3
    close_window(w.b.participation, "dokumen")
    with pytest.raises(ActionRefused, match="closed on"):
        _score(w, 1, participation=w.b.participation)


def test_stages_apply_by_activity_and_visit(external_world: ExternalWorld) -> None:
    w = external_world
    b = w.b.participation
    with pytest.raises(ActionRefused, match="does not apply"):
        _score(w, 1, "interviu", participation=b)
    with pytest.raises(ActionRefused, match="does not apply"):
        _score(w, 1, "visitasi", participation=b)
    with pytest.raises(ActionRefused, match="Unknown stage"):
        _score(w, 1, "reviu")
    with pytest.raises(ActionRefused, match="Unknown stage"):
        _score(w, 1, "mandiri")
    assert _score(w, 1, "dokumen", participation=b).level == 3
    assert _score(w, 1, "visitasi").level == 3  # A has a site visit
    services.set_visit(w.act(w.admin), w.a.participation, False)
    with pytest.raises(ActionRefused, match="does not apply"):
        _score(w, 2, "visitasi")
    with pytest.raises(ActionRefused, match="Only agencies in Evaluasi"):
        services.set_visit(w.act(w.admin), b, True)
    with pytest.raises(ActionRefused, match="Only interviews and visits"):
        services.schedule_interview(w.act(w.assessor1), w.a.participation, "dokumen", timezone.now(), "Kepala Dinas")
    with pytest.raises(ActionRefused, match="does not apply"):
        services.schedule_interview(w.act(w.assessor2), b, "interviu", timezone.now(), "Kepala Dinas")


def test_justifikasi_is_required(external_world: ExternalWorld) -> None:
    w = external_world
    before = external_snapshot()
    with pytest.raises(ActionRefused, match="Justifikasi"):
        _score(w, 1, justifikasi="   ")
    response = login(w.assessor1).post(
        reverse("external:score", args=(w.a.participation.pk, "dokumen", 1)),
        {"level": "3", "fakta": "Ada SK", "justifikasi": "", "version": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write the Justifikasi" in page
    assert "Ada SK" in page  # what was typed is kept
    assert external_snapshot() == before


@pytest.mark.parametrize("level", [0, 6, 99])
def test_level_must_be_on_the_ladder(external_world: ExternalWorld, level: int) -> None:
    w = external_world
    before = external_snapshot()
    with pytest.raises(ActionRefused, match="between 1 and 5"):
        _score(w, 1, level=level)
    assert external_snapshot() == before


def test_level_bounds_and_unreadable_level_in_the_form(external_world: ExternalWorld) -> None:
    w = external_world
    assert _score(w, 1, level=1).level == 1
    assert _score(w, 2, level=5).level == 5
    before = external_snapshot()
    for raw in ("", "abc", "-1", "6"):
        response = login(w.assessor1).post(
            reverse("external:score", args=(w.a.participation.pk, "dokumen", 3)),
            {"level": raw, "justifikasi": "J", "version": ""},
        )
        assert response.status_code == 400, raw
    with pytest.raises(ActionRefused, match="not in this round's framework"):
        _score(w, 48)
    assert external_snapshot() == before


def test_optimistic_locking_refuses_a_stale_save(external_world: ExternalWorld) -> None:
    w = external_world
    first = _score(w, 4, level=2)
    assert first.version == 1
    with pytest.raises(EditConflict) as conflict:
        _score(w, 4, level=4, version=0)
    assert conflict.value.changes["level"] == (2, 4)
    with pytest.raises(EditConflict):
        _score(w, 4, level=4, version=None)
    # Through the page: two tabs open on version 1; the second save is a conflict (409) and saves nothing.
    url = reverse("external:score", args=(w.a.participation.pk, "dokumen", 4))
    client = login(w.assessor1)
    assert 'name="version" value="1"' in client.get(url).content.decode()
    saved = client.post(url, {"level": "3", "justifikasi": "Tab satu", "version": "1"})
    assert saved.status_code == 302
    stale = client.post(url, {"level": "5", "justifikasi": "Tab dua", "version": "1"})
    assert stale.status_code == 409
    assert "Someone else saved this indicator" in stale.content.decode()
    answer = Answer.objects.get(participation=w.a.participation, stage="dokumen", indicator=4)
    assert (answer.level, answer.justifikasi, answer.version) == (3, "Tab satu", 2)


def test_save_and_next_opens_the_next_indicator(external_world: ExternalWorld) -> None:
    w = external_world
    client = login(w.assessor1)
    pid = w.a.participation.pk
    response = client.post(
        reverse("external:score", args=(pid, "dokumen", 7)), {"level": "4", "justifikasi": "J", "next": "1"}
    )
    assert response["Location"] == reverse("external:score", args=(pid, "dokumen", 8))
    last = w.round.framework.indicators[-1].number
    response = client.post(
        reverse("external:score", args=(pid, "dokumen", last)), {"level": "4", "justifikasi": "J", "next": "1"}
    )
    assert response["Location"] == reverse("external:score", args=(pid, "dokumen", last))


# --- carry-forward ---------------------------------------------------------------------------------------------


def test_an_indicator_not_scored_at_interview_keeps_the_document_level(external_world: ExternalWorld) -> None:
    w = external_world
    p = w.a.participation
    dokumen = score_document_review(p)
    clarified = 5
    new_level = 5 if dokumen[clarified] != 5 else 1
    _score(w, clarified, "interviu", level=new_level)
    by_stage = levels_by_stage(p)
    stages = ["mandiri", "dokumen", "interviu"]

    kept = side_by_side(p, 6, stages, by_stage)
    assert [c.stage for c in kept] == stages
    assert kept[-1].carried_from == "dokumen"
    assert kept[-1].answer is not None
    assert kept[-1].answer.level == dokumen[6]
    changed = side_by_side(p, clarified, stages, by_stage)
    assert changed[-1].carried_from is None
    assert changed[-1].answer.level == new_level

    indices = stage_indices(p, stages, by_stage)
    for index in indices:
        expected = engine_result(p, upto=index.stage)
        assert index.result.index.exact == expected.index.exact, index.stage
        assert index.result.levels == expected.levels
    assert indices[-1].result.levels[clarified] == new_level
    assert indices[-1].result.levels[6] == dokumen[6]
    assert [i.set_here for i in indices] == [47, 47, 1]

    # The interview worklist shows the other 46 as carried (↪); the score page pre-selects the carried level.
    client = login(w.assessor1)
    worklist = client.get(reverse("external:worklist", args=(p.pk, "interviu"))).content.decode()
    assert worklist.count("↪") == 46
    page = client.get(reverse("external:score", args=(p.pk, "interviu", 6))).content.decode()
    assert f"level {dokumen[6]} is carried forward" in page
    assert f'<option value="{dokumen[6]}" selected>' in page

    # The site visit carries the interview's level, not the document's.
    by_stage = levels_by_stage(p)
    visit = side_by_side(p, clarified, [*stages, "visitasi"], by_stage)
    assert (visit[-1].carried_from, visit[-1].answer.level) == ("interviu", new_level)


def test_monitoring_agency_resolves_over_document_and_review_only(external_world: ExternalWorld) -> None:
    w = external_world
    b = w.b.participation
    dokumen = score_document_review(b)
    services.review(w.act(w.reviewer), b, 9, valid=False, reason="Bukti kedaluwarsa", level=1)
    # The review team's decisions stay on the national side until publication: not even the assessor sees them.
    assert visible_stages(w.act(w.assessor2), b) == ["mandiri", "dokumen"]
    stages = visible_stages(w.act(w.reviewer), b)
    assert stages == ["mandiri", "dokumen", "reviu"]
    indices = stage_indices(b, stages, levels_by_stage(b))
    assert indices[-1].result.index.exact == engine_result(b).index.exact
    assert indices[-1].result.levels[9] == 1
    assert indices[1].result.levels[9] == dokumen[9]


# --- what the agency sees --------------------------------------------------------------------------------------


def test_agency_sees_only_released_stages_and_never_the_drafts(external_world: ExternalWorld) -> None:
    w = external_world
    p = w.a.participation
    score_document_review(p)
    add_stage_levels(p, "interviu", {3: 5})
    AspectNote.objects.create(participation=p, aspect="1", strengths="Catatan asesor rahasia", weaknesses="")
    result_url = reverse("results:agency", args=(p.pk,))
    stages_url = reverse("external:stages", args=(p.pk, 3))
    for key in ("coordinator", "respondent_kominfo", "leadership"):
        client = login(w.a.users[key])
        page = client.get(result_url).content.decode()
        assert 'data-testid="stage-mandiri"' in page
        assert 'data-testid="stage-dokumen"' not in page
        assert 'data-testid="stage-interviu"' not in page
        assert "Catatan asesor rahasia" not in page
        detail = client.get(stages_url).content.decode()
        assert "Justifikasi asesor" not in detail
        assert "Fakta asesor" not in detail
    assert visible_stages(w.a.actor("coordinator"), p) == ["mandiri"]

    services.release(w.act(w.admin), [p], "dokumen")
    client = login(w.a.users["coordinator"])
    page = client.get(result_url).content.decode()
    expected = engine_result(p, upto="dokumen").index.value
    assert f'data-testid="stage-dokumen">{_value(expected)}<' in page
    assert 'data-testid="stage-interviu"' not in page
    assert "Catatan asesor rahasia" not in page  # notes wait for publication
    detail = client.get(stages_url).content.decode()
    assert "Justifikasi asesor dokumen 3" in detail
    assert "Justifikasi asesor interviu" not in detail
    assert visible_stages(w.a.actor("coordinator"), p) == ["mandiri", "dokumen"]
    # Another agency's release does not open agency B's pages to anything, nor A's to B.
    assert visible_stages(w.b.actor("coordinator"), p) == []


def test_release_notifies_the_agency_team_once(external_world: ExternalWorld) -> None:
    w = external_world
    assert services.release(w.act(w.admin), [w.a.participation, w.b.participation], "dokumen") == 2
    assert services.release(w.act(w.admin), [w.a.participation, w.b.participation], "dokumen") == 0
    notified = Counter(Notification.objects.filter(kind="stage.released").values_list("user__username", flat=True))
    assert set(notified) == {f"{r}-{c}" for r in ("coordinator", "official", "operator") for c in ("51.71", "32.73")}
    assert set(notified.values()) == {1}
    with pytest.raises(ActionRefused, match="Unknown stage"):
        services.release(w.act(w.admin), [w.a.participation], "mandiri")
    with pytest.raises(PermissionDenied):
        services.release(w.act(w.assessor1), [w.a.participation], "interviu")


def test_planner_baseline_does_not_leak_unreleased_levels(external_world: ExternalWorld) -> None:
    w = external_world
    p = w.a.participation
    score_document_review(p)
    mandiri = dict(Answer.objects.filter(participation=p, stage="mandiri").values_list("indicator", "level"))
    response = login(w.a.users["coordinator"]).get(reverse("planning:simulator", args=(p.pk,)))
    assert response.context["start"] == mandiri


# --- clarifications --------------------------------------------------------------------------------------------


def test_clarification_round_trip_notifies_the_right_people(external_world: ExternalWorld) -> None:
    w = external_world
    p = w.a.participation
    # Indicator 1 is owned by Bagian Hukum with Dinas Kominfo contributing; Bappeda has nothing to do with it.
    item = services.ask(w.act(w.assessor1), p, 1, "dokumen", "Mohon unggah Perwal terbaru.")
    asked = set(Notification.objects.filter(kind="clarification.asked").values_list("user__username", flat=True))
    assert asked == {"coordinator-51.71", "official-51.71", "operator-51.71", "unit-hukum-51.71", "unit-kominfo-51.71"}
    assert Notification.objects.get(user=w.a.users["coordinator"]).url == f"/assess/agency/{p.pk}/clarifications/"
    assert [r.open_clarifications for r in assessor_queue(w.act(w.assessor1))] == [1]

    with pytest.raises(ActionRefused, match="cannot be empty"):
        services.answer_clarification(w.a.actor("respondent_hukum"), item, "  ")
    with pytest.raises(PermissionDenied):
        services.answer_clarification(w.a.actor("respondent_bappeda"), item, "Jawaban")
    services.answer_clarification(w.a.actor("respondent_hukum"), item, "Sudah diunggah: Perwal 7/2025.")
    answered = Notification.objects.get(kind="clarification.answered")
    assert answered.user == w.assessor1
    assert answered.url == reverse("external:score", args=(p.pk, "dokumen", 1))
    assert [r.open_clarifications for r in assessor_queue(w.act(w.assessor1))] == [0]

    before = external_snapshot()
    item.refresh_from_db()
    with pytest.raises(ActionRefused, match="already answered"):
        services.answer_clarification(w.a.actor("coordinator"), item, "Jawaban kedua")
    response = login(w.a.users["coordinator"]).post(
        reverse("external:agency_clarifications", args=(p.pk,)), {"clarification": item.pk, "answer": "Kedua"}
    )
    assert response.status_code == 302
    assert external_snapshot() == before
    item.refresh_from_db()
    assert (item.answer, item.answered_by) == ("Sudah diunggah: Perwal 7/2025.", w.a.users["respondent_hukum"])
    # The thread shows on the assessor's score page.
    page = login(w.assessor1).get(reverse("external:score", args=(p.pk, "dokumen", 1))).content.decode()
    assert "Mohon unggah Perwal terbaru." in page
    assert "Sudah diunggah: Perwal 7/2025." in page


def test_clarification_cannot_be_answered_after_its_stage_closes(external_world: ExternalWorld) -> None:
    w = external_world
    item = services.ask(w.act(w.assessor1), w.a.participation, 11, "dokumen", "Pertanyaan?")
    close_window(w.a.participation, "dokumen")
    item = Clarification.objects.get(pk=item.pk)
    with pytest.raises(ActionRefused, match="closed on"):
        services.answer_clarification(w.a.actor("coordinator"), item, "Terlambat")
    with pytest.raises(ActionRefused, match="Write the question"):
        services.ask(w.act(w.assessor1), w.a.participation, 11, "interviu", " ")


def test_interview_schedule_notifies_and_reschedules(external_world: ExternalWorld) -> None:
    w = external_world
    p = w.a.participation
    when = timezone.now() + timedelta(days=2)
    with pytest.raises(ActionRefused, match="participants"):
        services.schedule_interview(w.act(w.assessor1), p, "interviu", when, " ")
    services.schedule_interview(w.act(w.assessor1), p, "interviu", when, "Kepala Dinas", "Ruang rapat")
    services.schedule_interview(w.act(w.assessor1), p, "interviu", when + timedelta(hours=2), "Sekda")
    interview = Interview.objects.get(participation=p)
    assert (interview.participants, interview.scheduled_at) == ("Sekda", when + timedelta(hours=2))
    assert Notification.objects.filter(kind="interview.scheduled", user=w.a.users["coordinator"]).count() == 2
    assert not Notification.objects.filter(kind="interview.scheduled", user=w.a.users["leadership"]).exists()
    assert AuditEntry.objects.filter(action="interview.schedule", stage="interviu").count() == 2
    # An unreadable date in the form is refused with a message.
    response = login(w.assessor1).post(
        reverse("external:worklist", args=(p.pk, "interviu")), {"scheduled_at": "besok", "participants": "X"}
    )
    assert response.status_code == 302
    assert Interview.objects.get(participation=p).participants == "Sekda"


# --- notes -----------------------------------------------------------------------------------------------------


def test_notes_are_prefilled_saved_audited_and_locked(external_world: ExternalWorld) -> None:
    w = external_world
    p = w.a.participation
    framework = w.round.framework
    levels = {i.number: (5 if i.number % 3 == 0 else 1 if i.number % 3 == 1 else 3) for i in framework.indicators}
    notes = services.prefilled_notes(levels, framework)
    first = framework.aspects[0]
    strong, weak = notes[first.code]
    assert strong.splitlines() == [f"{i.number}. {i.name}" for i in first.indicators if levels[i.number] == 5]
    assert weak.splitlines() == [f"{i.number}. {i.name}" for i in first.indicators if levels[i.number] == 1]

    note = services.save_aspect_note(w.act(w.assessor1), p, "1", "Kebijakan lengkap", "Tata kelola lemah", None)
    assert note.version == 1
    assert set(
        AuditEntry.objects.filter(action="assessor.aspect_note", note="aspect 1").values_list("field", flat=True)
    ) == {"strengths", "weaknesses"}
    with pytest.raises(EditConflict):
        services.save_aspect_note(w.act(w.assessor1), p, "1", "Lain", "Lain", None)
    with pytest.raises(ActionRefused, match="Unknown aspect"):
        services.save_aspect_note(w.act(w.assessor1), p, "99", "", "", None)
    rec = services.save_recommendation(w.act(w.assessor1), p, {"summary": "Baik", "advice": "Teruskan"}, None)
    with pytest.raises(EditConflict):
        services.save_recommendation(w.act(w.assessor1), p, {"summary": "Lain"}, rec.version - 1)
    page = login(w.assessor1).get(reverse("external:notes", args=(p.pk,)))
    assert page.status_code == 200
    assert "Kebijakan lengkap" in page.content.decode()


# --- review ----------------------------------------------------------------------------------------------------


def test_tidak_valid_needs_a_level_and_a_reason_and_the_correction_wins(external_world: ExternalWorld) -> None:
    w = external_world
    p = w.a.participation
    dokumen = score_document_review(p)
    _score(w, 12, "interviu", level=4)
    reviewer = w.act(w.reviewer)
    before = external_snapshot()
    with pytest.raises(ActionRefused, match="needs the corrected level"):
        services.review(reviewer, p, 12, valid=False, reason="Bukti kurang", level=None)
    with pytest.raises(ActionRefused, match="needs the corrected level"):
        services.review(reviewer, p, 12, valid=False, reason="Bukti kurang", level=7)
    with pytest.raises(ActionRefused, match="reason"):
        services.review(reviewer, p, 12, valid=False, reason=" ", level=2)
    for other in (w.act(w.admin), w.act(w.assessor1), w.a.actor("coordinator")):
        with pytest.raises(PermissionDenied):
            services.review(other, p, 12, valid=True, reason="", level=None)
    assert external_snapshot() == before

    services.review(reviewer, p, 12, valid=False, reason="Bukti kurang", level=2)
    correction = Answer.objects.get(participation=p, stage="reviu", indicator=12)
    assert (correction.level, correction.justifikasi, correction.updated_by) == (2, "Bukti kurang", w.reviewer)
    assert engine_result(p).levels[12] == 2
    assert round_levels([p.pk])[p.pk][12] == 2

    # A second Tidak Valid changes the correction; Valid removes it and the interview level counts again.
    services.review(reviewer, p, 12, valid=False, reason="Bukti lebih kurang", level=1)
    assert Answer.objects.get(participation=p, stage="reviu", indicator=12).level == 1
    decision = services.review(reviewer, p, 12, valid=True, reason="", level=3)
    assert (decision.valid, decision.corrected_level) == (True, None)
    assert not Answer.objects.filter(participation=p, stage="reviu").exists()
    assert engine_result(p).levels[12] == 4
    assert engine_result(p).levels[13] == dokumen[13]
    assert ReviewDecision.objects.filter(participation=p).count() == 1


def test_review_closed_window_and_unsubmitted_agency_are_refused(external_world: ExternalWorld) -> None:
    w = external_world
    close_window(w.a.participation, "reviu")
    with pytest.raises(ActionRefused, match="closed on"):
        services.review(w.act(w.reviewer), w.a.participation, 1, valid=True, reason="", level=None)
    with pytest.raises(ActionRefused, match="not in this round's framework"):
        services.review(w.act(w.reviewer), w.b.participation, 99, valid=True, reason="", level=None)


def test_review_decisions_stay_hidden_from_the_agency_until_release_or_publication(
    external_world: ExternalWorld,
) -> None:
    w = external_world
    p = w.a.participation
    score_document_review(p)
    services.release(w.act(w.admin), [p], "dokumen")
    _review_all(w, p)
    services.review(w.act(w.reviewer), p, 20, valid=False, reason="Alasan koreksi reviu", level=1)
    client = login(w.a.users["coordinator"])
    result_url = reverse("results:agency", args=(p.pk,))
    page = client.get(result_url).content.decode()
    assert 'data-testid="stage-reviu"' not in page
    assert 'data-testid="published-index"' not in page
    assert "Alasan koreksi reviu" not in client.get(reverse("external:stages", args=(p.pk, 20))).content.decode()
    # The review list page shows the decision to the reviewer.
    review_page = login(w.reviewer).get(reverse("external:review_agency", args=(p.pk,))).content.decode()
    assert "Tidak Valid → 1" in review_page

    snapshot = results.finalise(w.act(w.admin), w.round, excluded={w.b.participation.pk})
    page = client.get(result_url).content.decode()
    assert 'data-testid="published-index"' not in page  # finalised is not published
    results.publish(w.act(w.admin), snapshot)
    page = client.get(result_url).content.decode()
    final = engine_result(p).index.value
    assert f'data-testid="published-index">{_value(final)}<' in page
    services.release(w.act(w.admin), [p], "reviu")
    page = client.get(result_url).content.decode()
    assert f'data-testid="stage-reviu">{_value(final)}<' in page


# --- audit -----------------------------------------------------------------------------------------------------


def test_every_level_change_at_every_stage_is_audited_with_its_stage(external_world: ExternalWorld) -> None:
    w = external_world
    p = w.a.participation
    _score(w, 2, "dokumen", level=3)
    _score(w, 2, "dokumen", level=4, version=1)
    _score(w, 2, "interviu", level=2)
    _score(w, 2, "visitasi", level=5)
    services.review(w.act(w.reviewer), p, 2, valid=False, reason="Koreksi", level=1)
    services.review(w.act(w.reviewer), p, 2, valid=True, reason="", level=None)
    entries = list(
        AuditEntry.objects.filter(participation=p, indicator=2, field__in=["level", "decision"])
        .order_by("pk")
        .values_list("stage", "field", "old", "new", "actor__username")
    )
    assert entries == [
        ("dokumen", "level", "", "3", "assessor1"),
        ("dokumen", "level", "3", "4", "assessor1"),
        ("interviu", "level", "", "2", "assessor1"),
        ("visitasi", "level", "", "5", "assessor1"),
        ("reviu", "decision", "", "invalid:1", "reviewer"),
        ("reviu", "decision", "invalid:1", "valid", "reviewer"),
    ]
    # Saving the same level again writes no level entry (only changed fields are recorded).
    _score(w, 2, "dokumen", level=4, version=2, justifikasi="Penjelasan baru")
    assert AuditEntry.objects.filter(indicator=2, stage="dokumen", field="level").count() == 2
    assert AuditEntry.objects.filter(indicator=2, stage="dokumen", field="justifikasi").count() == 3


# --- assignment and balancing ----------------------------------------------------------------------------------


def _assessor(name: str) -> Any:
    user = _user(name)
    RoleAssignment.objects.create(user=user, role=Role.ASSESSOR)
    return user


@pytest.mark.parametrize(
    "bad", ["unknown user", "not an assessor", "agency not enrolled", "unknown agency", "conflict"]
)
def test_assign_from_rows_refuses_the_whole_file_on_any_bad_line(external_world: ExternalWorld, bad: str) -> None:
    w = external_world
    _assessor("assessor3")
    Agency.objects.create(code="51.03", name="Kabupaten Badung", kind=AgencyKind.KABUPATEN)
    ConflictOfInterest.objects.create(assessor=w.assessor2, agency=w.a.agency)
    line = {
        "unknown user": ("nobody", w.a.agency.code),
        "not an assessor": (w.a.users["coordinator"].username, w.b.agency.code),
        "agency not enrolled": ("assessor3", "51.03"),
        "unknown agency": ("assessor3", "00.00"),
        "conflict": ("assessor2", w.a.agency.code),
    }[bad]
    rows = [(2, "assessor3", w.a.agency.code), (3, *line), (4, "assessor3", w.b.agency.code)]
    before = external_snapshot()
    with pytest.raises(ActionRefused, match="Nothing was assigned") as refused:
        services.assign_from_rows(w.act(w.admin), w.round, rows)
    assert len(refused.value.problems) == 1
    assert str(refused.value.problems[0]).startswith("Line 3:")
    assert external_snapshot() == before


def test_assign_from_rows_adds_new_pairs_once(external_world: ExternalWorld) -> None:
    w = external_world
    _assessor("assessor3")
    rows = [(1, "assessor3", w.a.agency.code), (2, "assessor3", w.a.agency.code), (3, "assessor1", w.a.agency.code)]
    assert services.assign_from_rows(w.act(w.admin), w.round, rows) == 1
    assert services.assign_from_rows(w.act(w.admin), w.round, rows) == 0
    assert AssessorAssignment.objects.filter(agency=w.a.agency).count() == 2
    assert AuditEntry.objects.filter(action="assessors.assign").count() == 2
    with pytest.raises(PermissionDenied):
        services.assign_from_rows(w.act(w.assessor1), w.round, rows)


def test_assignment_upload_with_a_short_line_assigns_nothing(external_world: ExternalWorld) -> None:
    w = external_world
    _assessor("assessor3")
    content = f"assessor,agency\nassessor3,{w.a.agency.code}\nassessor3\n\nassessor3,{w.b.agency.code}\n".encode()
    before = external_snapshot()
    response = login(w.admin).post(
        reverse("external:assessors", args=(w.round.pk,)),
        {"action": "upload", "file": SimpleUploadedFile("a.csv", content, content_type="text/csv")},
        follow=True,
    )
    page = response.content.decode()
    assert "Nothing was assigned" in page
    assert "Line 3:" in page
    assert external_snapshot() == before
    response = login(w.admin).post(
        reverse("external:assessors", args=(w.round.pk,)),
        {"action": "upload", "file": SimpleUploadedFile("a.csv", b"\xff\xfe\x00", content_type="text/csv")},
        follow=True,
    )
    assert "not UTF-8" in response.content.decode()
    assert external_snapshot() == before


def _spread(pairs: list[tuple[int, int]], assessors: list[int], current: Counter[int]) -> int:
    load = Counter({a: current.get(a, 0) for a in assessors})
    load.update(a for a, _g in pairs)
    return max(load.values()) - min(load.values())


def _best_spread(
    assessors: list[int], agencies: list[int], conflicts: set[tuple[int, int]], current: Counter[int]
) -> int:
    options = [[a for a in assessors if (a, g) not in conflicts] for g in agencies]
    return min(_spread(list(zip(choice, agencies, strict=True)), assessors, current) for choice in product(*options))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_assessors=st.integers(1, 4),
    n_agencies=st.integers(0, 6),
    data=st.data(),
)
def test_balance_plan_is_as_even_as_possible_and_never_assigns_a_conflict(
    n_assessors: int, n_agencies: int, data: st.DataObject
) -> None:
    assessors = list(range(1, n_assessors + 1))
    agencies = list(range(101, 101 + n_agencies))
    all_pairs = [(a, g) for a in assessors for g in agencies]
    conflicts = set(data.draw(st.lists(st.sampled_from(all_pairs), unique=True) if all_pairs else st.just([])))
    current = Counter(data.draw(st.dictionaries(st.sampled_from(assessors), st.integers(0, 2))))
    feasible = all(any((a, g) not in conflicts for a in assessors) for g in agencies)
    if not feasible:
        with pytest.raises(ActionRefused):
            services.balance_plan(assessors, agencies, conflicts, current)
        return
    pairs = services.balance_plan(assessors, agencies, conflicts, current)
    assert sorted(g for _a, g in pairs) == agencies  # every agency exactly once
    assert not set(pairs) & conflicts
    assert _spread(pairs, assessors, current) == _best_spread(assessors, agencies, conflicts, current)
    if not conflicts and not current:
        assert _spread(pairs, assessors, current) <= 1
    assert services.balance_plan(assessors, agencies, conflicts, current) == pairs  # deterministic


def test_balance_plan_without_conflicts_spreads_within_one() -> None:
    pairs = services.balance_plan([3, 1, 2], list(range(10, 27)), set())
    load = Counter(a for a, _g in pairs)
    assert max(load.values()) - min(load.values()) <= 1
    assert sum(load.values()) == 17


def test_balance_assigns_every_unassigned_agency_evenly(external_world: ExternalWorld) -> None:
    w = external_world
    assessor3 = _assessor("assessor3")
    for k in range(7):
        make_agency(w.round, f"99.{k:02d}", f"Kabupaten Uji {k}", kind="kabupaten")
    ConflictOfInterest.objects.create(assessor=assessor3, agency=Agency.objects.get(code="99.00"))
    assert services.balance(w.act(w.admin), w.round) == 7
    load = Counter(AssessorAssignment.objects.filter(round=w.round).values_list("assessor_id", flat=True))
    assert sorted(load.values()) == [3, 3, 3]
    assert not AssessorAssignment.objects.filter(assessor=assessor3, agency__code="99.00").exists()
    assert services.balance(w.act(w.admin), w.round) == 0
    # An agency every assessor is in conflict with refuses the whole balance.
    make_agency(w.round, "98.00", "Kota Konflik")
    conflicted = Agency.objects.get(code="98.00")
    for user in (w.assessor1, w.assessor2, assessor3):
        ConflictOfInterest.objects.create(assessor=user, agency=conflicted)
    make_agency(w.round, "98.01", "Kota Bebas")
    before = external_snapshot()
    with pytest.raises(ActionRefused, match="conflict of interest"):
        services.balance(w.act(w.admin), w.round)
    assert external_snapshot() == before


# --- finalisation, publication, revisions ----------------------------------------------------------------------


def test_finalise_refuses_while_an_agency_is_neither_reviewed_nor_excluded(external_world: ExternalWorld) -> None:
    w = external_world
    a, b = w.a.participation, w.b.participation
    admin = w.act(w.admin)
    assert {p.pk for p in results.unreviewed(w.round)} == {a.pk, b.pk}
    before = external_snapshot()
    with pytest.raises(ActionRefused, match="2 agencies") as refused:
        results.finalise(admin, w.round, excluded=set())
    assert set(refused.value.problems) == {w.a.agency.name, w.b.agency.name}
    assert external_snapshot() == before
    _review_all(w, a)
    ReviewDecision.objects.filter(participation=a, indicator=47).delete()
    before = external_snapshot()
    with pytest.raises(ActionRefused, match="1 agencies"):
        results.finalise(admin, w.round, excluded={b.pk})
    with pytest.raises(PermissionDenied):
        results.finalise(w.act(w.reviewer), w.round, excluded={a.pk, b.pk})
    assert external_snapshot() == before
    services.review(w.act(w.reviewer), a, 47, valid=True, reason="", level=None)
    assert [p.pk for p in results.unreviewed(w.round)] == [b.pk]
    assert results.finalise(admin, w.round, excluded={b.pk}).revision == 1


def test_snapshot_holds_the_engine_values_of_the_final_levels(external_world: ExternalWorld) -> None:
    w = external_world
    a, b = w.a.participation, w.b.participation
    score_document_review(a)
    _score(w, 3, "interviu", level=5)
    _score(w, 8, "visitasi", level=1)
    _review_all(w, a)
    services.review(w.act(w.reviewer), a, 30, valid=False, reason="Koreksi", level=2)
    snapshot = results.finalise(w.act(w.admin), w.round, excluded={b.pk})
    row = SnapshotResult.objects.get(snapshot=snapshot, participation=a)
    expected = engine_result(a)
    mandiri = compute(
        w.round.framework,
        dict(Answer.objects.filter(participation=a, stage="mandiri").values_list("indicator", "level")),
    )
    assert row.index_value == expected.index.value
    assert row.predicate == expected.index.predicate.name
    assert row.levels == {str(n): lv for n, lv in expected.levels.items()}
    assert (row.levels["3"], row.levels["8"], row.levels["30"]) == (5, 1, 2)
    assert row.levels["4"] == external_level(a, 4)
    assert row.self_index_value == mandiri.index.value
    assert [d["code"] for d in row.domains] == [d.code for d in w.round.framework.domains]
    excluded = SnapshotResult.objects.get(snapshot=snapshot, participation=b)
    assert (excluded.excluded, excluded.levels, excluded.index_value) == (True, {}, None)


def test_publish_notifies_freezes_and_a_correction_is_a_new_revision(external_world: ExternalWorld) -> None:
    w = external_world
    a, b = w.a.participation, w.b.participation
    admin = w.act(w.admin)
    score_document_review(a)
    _review_all(w, a)
    first = results.finalise(admin, w.round, excluded={b.pk})
    with pytest.raises(ActionRefused, match="not published yet"):
        results.finalise(admin, w.round, excluded={b.pk}, note="Terlalu cepat")
    assert not Notification.objects.filter(kind="result.published").exists()
    with pytest.raises(PermissionDenied):
        results.publish(w.act(w.assessor1), first)
    results.publish(admin, first)
    notified = set(Notification.objects.filter(kind="result.published").values_list("user__username", flat=True))
    assert notified == {"coordinator-51.71", "official-51.71", "operator-51.71"}  # B was excluded
    with pytest.raises(ActionRefused, match="already published"):
        results.publish(admin, first)

    # A published snapshot and its results never change.
    first.refresh_from_db()
    frozen = list(SnapshotResult.objects.filter(snapshot=first).values_list("pk", "index_value", "levels"))
    first.note = "Diubah diam-diam"
    with pytest.raises(ValueError, match="never changes"):
        first.save()
    row = SnapshotResult.objects.get(snapshot=first, participation=a)
    row.index_value = Decimal("5.00")
    with pytest.raises(ValueError, match="never changes"):
        row.save()
    with pytest.raises(ValueError, match="never changes"):
        row.delete()
    with pytest.raises(ProtectedError):
        first.delete()

    # A correction after publication: a note is required; revision 2 holds the new numbers.
    corrected = 1 if engine_result(a).levels[1] != 1 else 5
    services.review(w.act(w.reviewer), a, 1, valid=False, reason="Koreksi pasca publikasi", level=corrected)
    with pytest.raises(ActionRefused, match="needs a note"):
        results.finalise(admin, w.round, excluded={b.pk}, note="  ")
    second = results.finalise(admin, w.round, excluded={b.pk}, note="Koreksi indikator 1")
    assert second.revision == 2
    assert list(SnapshotResult.objects.filter(snapshot=first).values_list("pk", "index_value", "levels")) == frozen
    new_row = SnapshotResult.objects.get(snapshot=second, participation=a)
    assert new_row.levels["1"] == corrected
    assert new_row.index_value == engine_result(a).index.value
    old_value = SnapshotResult.objects.get(snapshot=first, participation=a).index_value
    assert new_row.index_value != old_value

    # Until revision 2 is published, revision 1 is what everyone sees.
    client = login(w.b.users["coordinator"])
    page = client.get(reverse("results:round", args=(w.round.pk,))).content.decode()
    assert _value(old_value) in page
    assert _value(new_row.index_value) not in page
    results.publish(admin, second)
    page = client.get(reverse("results:round", args=(w.round.pk,))).content.decode()
    assert _value(new_row.index_value) in page
    assert "revision 2" in page
    assert 'href="?revision=1"' in page
    assert "Koreksi indikator 1" in page
    older = client.get(reverse("results:round", args=(w.round.pk,)) + "?revision=1").content.decode()
    assert _value(old_value) in older
    assert _value(new_row.index_value) not in older
    agency_page = login(w.a.users["coordinator"]).get(reverse("results:agency", args=(a.pk,))).content.decode()
    assert f'data-testid="published-index">{_value(new_row.index_value)}<' in agency_page
    assert "revision 2" in agency_page
    assert Snapshot.objects.filter(round=w.round).count() == 2


def test_finalisation_page_excludes_and_publishes(external_world: ExternalWorld) -> None:
    w = external_world
    client = login(w.admin)
    url = reverse("results:finalisation", args=(w.round.pk,))
    page = client.get(url).content.decode()
    assert "2 agencies are not fully reviewed" in page
    response = client.post(url, {"action": "finalise", "exclude": [str(w.a.participation.pk)]}, follow=True)
    assert "1 agencies are neither fully reviewed nor excluded" in response.content.decode()
    assert not Snapshot.objects.exists()
    client.post(url, {"action": "finalise", "exclude": [str(w.a.participation.pk), str(w.b.participation.pk)]})
    snapshot = Snapshot.objects.get()
    client.post(url, {"action": "publish", "snapshot": snapshot.pk})
    snapshot.refresh_from_db()
    assert snapshot.published_at is not None


# --- stage announcements ---------------------------------------------------------------------------------------


def test_stage_openings_and_closings_are_announced_once(external_world: ExternalWorld) -> None:
    w = external_world
    team = 3  # coordinator, official, operator of each agency
    windows = StageWindow.objects.filter(round=w.round).count()
    assert announce_stage_changes() == windows * 2 * team
    assert announce_stage_changes() == 0
    assert Notification.objects.filter(user=w.a.users["leadership"]).count() == 0
    close_window(w.a.participation, "dokumen")
    assert announce_stage_changes() == 2 * team
    assert announce_stage_changes() == 0
    call_command("announce_stages")
    assert Notification.objects.filter(kind="stage.closed").count() == 2 * team
    # A window that opens later is announced when it opens, not before.
    later = timezone.now() + timedelta(days=1)  # before any other window of the round closes
    StageWindow.objects.filter(round=w.round, stage="interviu").delete()
    StageWindow.objects.create(round=w.round, stage="interviu", opens=later, closes=later + timedelta(days=5))
    assert announce_stage_changes() == 0
    assert announce_stage_changes(now=later + timedelta(minutes=1)) == 2 * team
    assert announce_stage_changes(now=later + timedelta(minutes=2)) == 0
