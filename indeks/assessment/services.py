"""Changing the self-assessment: the only place answers, assignments and statuses change.

Each function checks role and scope, the stage window and the workflow state, writes, and records the audit
entry, in one transaction. Views, the API and tests all call these.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indeks.assessment.models import (
    Answer,
    AnswerStatus,
    GeneralAnswer,
    GeneralQuestion,
    IndicatorAssignment,
    SignedDocument,
    SignedDocumentKind,
)
from indeks.assessment.selectors import previous_participation
from indeks.audit.services import record, record_changes
from indeks.errors import ActionRefused
from indeks.registry.access import Action, Actor
from indeks.registry.models import Role, Unit
from indeks.rounds import publication
from indeks.rounds.models import Participation, ParticipationStatus, StageChoice
from indeks.rounds.services import ensure_open
from indeks.versioning import lock_for_edit, save_next_version

MANDIRI = StageChoice.MANDIRI.value
# Signed scans by their first bytes (never by their name): magic → (Content-Type, extension).
SIGNED_TYPES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}
MAX_SIGNED_BYTES = 20 * 1024 * 1024
log = logging.getLogger(__name__)


def indicator_units(participation: Participation, indicator: int) -> set[int]:
    """Units that own or contribute to an indicator (respondents of these units may work on it)."""
    assignment = (
        IndicatorAssignment.objects.filter(participation=participation, indicator=indicator)
        .prefetch_related("contributors")
        .first()
    )
    if assignment is None:
        return set()
    return {assignment.owner_id, *(u.pk for u in assignment.contributors.all())}


def owner_unit(participation: Participation, indicator: int) -> set[int]:
    """The owning unit only (the one that submits to the coordinator)."""
    owner = (
        IndicatorAssignment.objects.filter(participation=participation, indicator=indicator)
        .values_list("owner_id", flat=True)
        .first()
    )
    return {owner} if owner else set()


def _check_indicator(participation: Participation, indicator: int) -> None:
    if not participation.round.framework.has_indicator(indicator):
        raise ActionRefused(_("Indicator %(n)s is not in this round's framework.") % {"n": indicator})


def _ensure_editable(participation: Participation) -> None:
    if participation.status != ParticipationStatus.MANDIRI:
        raise ActionRefused(
            _("The self-assessment is locked (%(status)s).") % {"status": participation.get_status_display()}
        )
    ensure_open(participation, MANDIRI)


def _lock_answer(participation: Participation, indicator: int) -> Answer | None:
    return (
        Answer.objects.select_for_update()
        .filter(participation=participation, stage=MANDIRI, indicator=indicator)
        .first()
    )


ANSWER_CONFLICT = gettext_lazy(
    "Someone else saved this indicator since you opened it. Nothing was saved; compare and try again."
)
ANSWER_GONE = gettext_lazy("This answer no longer exists; reload the page.")


def lock_answer_for_edit(
    participation: Participation, indicator: int, stage: str, version: int | None, yours: dict[str, Any]
) -> tuple[Answer, QuerySet[Answer]]:
    """The answer of one indicator at one stage, locked and version-checked for an edit (a new one if none yet),
    with the rows to save it against (``indeks.versioning``). Every stage's save uses it."""
    rows = Answer.objects.filter(participation=participation, stage=stage, indicator=indicator)
    answer = lock_for_edit(
        rows,
        version,
        yours=yours,
        conflict=ANSWER_CONFLICT,
        gone=ANSWER_GONE,
        make=lambda: Answer(participation=participation, indicator=indicator, stage=stage, version=0),
    )
    return answer, rows


@transaction.atomic
def save_answer(
    actor: Actor,
    participation: Participation,
    indicator: int,
    *,
    level: int | None,
    fakta: str,
    analisis: str,
    justifikasi: str | None = None,
    version: int | None,
) -> Answer:
    """Save the level and explanation of one indicator (optimistic locking on ``version``).

    ``version`` is the answer's version when the form was opened (None when there was no answer yet). A
    different current version raises :class:`EditConflict` with what changed, and nothing is written.
    """
    _check_indicator(participation, indicator)
    actor.require(Action.EDIT_ANSWER, participation.agency_id, indicator_units(participation, indicator))
    _ensure_editable(participation)
    ladder = participation.round.framework.ladder_of(indicator)
    if level is not None and not ladder.minimum <= level <= ladder.maximum:
        raise ActionRefused(
            _("The level must be between %(low)s and %(high)s.") % {"low": ladder.minimum, "high": ladder.maximum}
        )
    new: dict[str, Any] = {"level": level, "fakta": fakta.strip(), "analisis": analisis.strip()}
    if justifikasi is not None:  # Penilaian Mandiri has no Justifikasi; a save without it keeps what is there
        new["justifikasi"] = justifikasi.strip()
    answer, rows = lock_answer_for_edit(participation, indicator, MANDIRI, version, new)
    is_respondent_only = not (actor.roles_in(participation.agency_id) - {Role.RESPONDENT})
    if is_respondent_only and answer.status in (AnswerStatus.SUBMITTED, AnswerStatus.ACCEPTED):
        raise ActionRefused(_("This indicator was submitted to the coordinator; ask them to return it to change it."))
    old = {f: getattr(answer, f) for f in new}
    for name, value in new.items():
        setattr(answer, name, value)
    was_recheck = answer.needs_recheck
    answer.needs_recheck = False
    answer.updated_by = actor.user
    save_next_version(answer, rows, yours=new, conflict=ANSWER_CONFLICT)
    record_changes(
        actor.user,
        "answer.save",
        {f: (old[f], new[f]) for f in new},
        participation=participation,
        indicator=indicator,
        stage=MANDIRI,
    )
    if was_recheck:
        record(actor.user, "answer.recheck", participation=participation, indicator=indicator, stage=MANDIRI)
    return answer


def _transition(
    actor: Actor,
    participation: Participation,
    indicator: int,
    action: Action,
    allowed_from: set[str],
    to: str,
    note: str = "",
    units: set[int] | None = None,
) -> Answer:
    _check_indicator(participation, indicator)
    actor.require(action, participation.agency_id, units)
    _ensure_editable(participation)
    answer = _lock_answer(participation, indicator)
    if answer is None:
        raise ActionRefused(_("Indicator %(n)s has no answer yet.") % {"n": indicator})
    if answer.status not in allowed_from:
        raise ActionRefused(
            _("This indicator is %(status)s; that step is not possible now.") % {"status": answer.get_status_display()}
        )
    old = answer.status
    answer.status = to
    answer.version += 1
    answer.updated_by = actor.user
    answer.save(update_fields=["status", "version", "updated_by", "updated_at"])
    record(
        actor.user,
        f"answer.{to}",
        participation=participation,
        indicator=indicator,
        stage=MANDIRI,
        field="status",
        old=old,
        new=to,
        note=note,
    )
    return answer


@transaction.atomic
def submit_answer(actor: Actor, participation: Participation, indicator: int) -> Answer:
    """The owning unit (or the coordinator's team) sends an answered indicator to the coordinator."""
    answer = Answer.objects.filter(participation=participation, stage=MANDIRI, indicator=indicator).first()
    if answer is not None:
        missing = [
            label
            for label, ok in (
                (_("level"), answer.level is not None),
                (_("Fakta"), answer.fakta),
                (_("Analisis"), answer.analisis),
            )
            if not ok
        ]
        if missing:
            raise ActionRefused(_("Fill in before submitting: %(fields)s.") % {"fields": ", ".join(map(str, missing))})
    return _transition(
        actor,
        participation,
        indicator,
        Action.SUBMIT_ANSWER,
        {AnswerStatus.DRAFT, AnswerStatus.RETURNED},
        AnswerStatus.SUBMITTED,
        units=owner_unit(participation, indicator),
    )


@transaction.atomic
def accept_answer(actor: Actor, participation: Participation, indicator: int) -> Answer:
    """The coordinator accepts a submitted indicator."""
    return _transition(
        actor, participation, indicator, Action.REVIEW_ANSWER, {AnswerStatus.SUBMITTED}, AnswerStatus.ACCEPTED
    )


@transaction.atomic
def return_answer(actor: Actor, participation: Participation, indicator: int, note: str) -> Answer:
    """The coordinator returns an indicator for revision (perlu revisi) with a note the unit will read."""
    if not note.strip():
        raise ActionRefused(_("Write a note saying what must be revised."))
    return _transition(
        actor,
        participation,
        indicator,
        Action.REVIEW_ANSWER,
        {AnswerStatus.SUBMITTED, AnswerStatus.ACCEPTED},
        AnswerStatus.RETURNED,
        note=note.strip(),
    )


@transaction.atomic
def confirm_recheck(actor: Actor, participation: Participation, indicator: int) -> Answer:
    """Confirm a pre-filled answer as still true this year, unchanged."""
    _check_indicator(participation, indicator)
    actor.require(Action.EDIT_ANSWER, participation.agency_id, indicator_units(participation, indicator))
    _ensure_editable(participation)
    answer = _lock_answer(participation, indicator)
    if answer is None or not answer.needs_recheck:
        raise ActionRefused(_("There is nothing to re-check on this indicator."))
    answer.needs_recheck = False
    answer.version += 1
    answer.save(update_fields=["needs_recheck", "version", "updated_at"])
    record(
        actor.user,
        "answer.recheck",
        participation=participation,
        indicator=indicator,
        stage=MANDIRI,
        field="needs_recheck",
        old=True,
        new=False,
    )
    return answer


@transaction.atomic
def assign_indicator(
    actor: Actor, participation: Participation, indicator: int, owner: Unit, contributors: list[Unit]
) -> IndicatorAssignment:
    """Set the owning unit (pengampu) and contributing units of one indicator."""
    _check_indicator(participation, indicator)
    actor.require(Action.ASSIGN_INDICATORS, participation.agency_id)
    _ensure_editable(participation)
    units = [owner, *contributors]
    if any(u.agency_id != participation.agency_id for u in units):
        raise ActionRefused(_("Units must belong to this agency."))
    assignment = IndicatorAssignment.objects.filter(participation=participation, indicator=indicator).first()
    old_owner = assignment.owner.name if assignment else ""
    old_contrib = ", ".join(sorted(u.name for u in assignment.contributors.all())) if assignment else ""
    if assignment is None:
        assignment = IndicatorAssignment.objects.create(participation=participation, indicator=indicator, owner=owner)
    else:
        assignment.owner = owner
        assignment.save(update_fields=["owner"])
    assignment.contributors.set([u for u in contributors if u.pk != owner.pk])
    new_contrib = ", ".join(sorted(u.name for u in contributors if u.pk != owner.pk))
    record_changes(
        actor.user,
        "assignment.set",
        {"owner": (old_owner, owner.name), "contributors": (old_contrib, new_contrib)},
        participation=participation,
        indicator=indicator,
        stage=MANDIRI,
    )
    return assignment


@transaction.atomic
def prefill_from_previous(actor: Actor, participation: Participation) -> int:
    """Copy last round's answers into indicators not answered yet, each marked 'to re-check'. Returns the count."""
    actor.require(Action.PREFILL, participation.agency_id)
    _ensure_editable(participation)
    previous = previous_participation(participation)
    if previous is None:
        raise ActionRefused(_("This agency has no earlier round to start from."))
    if previous.round.framework_id != participation.round.framework_id:
        raise ActionRefused(
            _("Last round used another framework (%(old)s); its answers cannot be carried over.")
            % {"old": previous.round.framework_id}
        )
    taken = set(Answer.objects.filter(participation=participation, stage=MANDIRI).values_list("indicator", flat=True))
    # The agency starts from what it may see of that round: the published final level when the round is
    # published, else its own self-assessment level; the explanation is always its own.
    own = {a.indicator: a for a in Answer.objects.filter(participation=previous, stage=MANDIRI)}
    published = publication.published_levels(previous)
    levels = published if published is not None else {n: a.level for n, a in own.items() if a.level is not None}
    created = [
        Answer(
            participation=participation,
            indicator=n,
            stage=MANDIRI,
            level=level,
            fakta=own[n].fakta if n in own else "",
            analisis=own[n].analisis if n in own else "",
            justifikasi="",
            needs_recheck=True,
            updated_by=actor.user,
        )
        for n, level in sorted(levels.items())
        if n not in taken
    ]
    Answer.objects.bulk_create(created)
    record(
        actor.user,
        "answer.prefill",
        participation=participation,
        stage=MANDIRI,
        note=f"{len(created)} indicators from {previous.round.name}",
    )
    return len(created)


@transaction.atomic
def save_general_answer(
    actor: Actor, participation: Participation, question: GeneralQuestion, text: str, version: int | None
) -> GeneralAnswer:
    """Answer a Pertanyaan Umum (optimistic locking like indicator answers)."""
    actor.require(Action.ANSWER_GENERAL, participation.agency_id)
    _ensure_editable(participation)
    if question.round_id != participation.round_id:
        raise ActionRefused(_("This question belongs to another round."))
    if not text.strip():
        raise ActionRefused(_("The answer cannot be empty."))
    rows = GeneralAnswer.objects.filter(participation=participation, question=question)
    conflict = _("Someone else saved this answer since you opened it. Nothing was saved; compare and try again.")
    yours = {"text": text.strip()}
    answer = lock_for_edit(
        rows,
        version,
        yours=yours,
        conflict=conflict,
        make=lambda: GeneralAnswer(participation=participation, question=question, version=0),
    )
    old = answer.text
    answer.text = text.strip()
    save_next_version(answer, rows, yours=yours, conflict=conflict)
    record(
        actor.user,
        "general.save",
        participation=participation,
        field=f"question {question.number}",
        old=old,
        new=answer.text,
    )
    return answer


def submission_problems(participation: Participation) -> list[str]:
    """What still stands between the agency and its Berita Acara (empty when ready)."""
    framework = participation.round.framework
    answers = {a.indicator: a for a in Answer.objects.filter(participation=participation, stage=MANDIRI)}
    problems = []
    for indicator in framework.indicators:
        answer = answers.get(indicator.number)
        if answer is None or answer.level is None:
            problems.append(_("Indicator %(n)s has no level.") % {"n": indicator.number})
        elif answer.needs_recheck:
            problems.append(_("Indicator %(n)s is still marked to re-check.") % {"n": indicator.number})
        elif answer.status != AnswerStatus.ACCEPTED:
            problems.append(
                _("Indicator %(n)s is not accepted by the coordinator (%(status)s).")
                % {"n": indicator.number, "status": answer.get_status_display()}
            )
    answered = set(GeneralAnswer.objects.filter(participation=participation).values_list("question_id", flat=True))
    for question in GeneralQuestion.objects.filter(round_id=participation.round_id):
        if question.pk not in answered:
            problems.append(_("General question %(n)s has no answer.") % {"n": question.number})
    return problems


@transaction.atomic
def prepare_submission(actor: Actor, participation: Participation) -> Participation:
    """Freeze the answers for signing: every indicator answered and accepted, every general question answered."""
    actor.require(Action.SUBMIT_AGENCY, participation.agency_id)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    _ensure_editable(participation)
    problems = submission_problems(participation)
    if problems:
        raise ActionRefused(_("The self-assessment is not complete yet."), problems=problems)
    participation.status = ParticipationStatus.SIGNING
    participation.version += 1
    participation.save(update_fields=["status", "version"])
    record(
        actor.user,
        "participation.signing",
        participation=participation,
        stage=MANDIRI,
        field="status",
        old=ParticipationStatus.MANDIRI,
        new=ParticipationStatus.SIGNING,
    )
    return participation


@transaction.atomic
def cancel_signing(actor: Actor, participation: Participation) -> Participation:
    """Reopen the answers (before the signed scans are complete), e.g. to correct an indicator."""
    actor.require(Action.SUBMIT_AGENCY, participation.agency_id)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.status != ParticipationStatus.SIGNING:
        raise ActionRefused(_("The self-assessment is not awaiting signatures."))
    ensure_open(participation, MANDIRI)
    SignedDocument.objects.filter(participation=participation).delete()
    participation.status = ParticipationStatus.MANDIRI
    participation.version += 1
    participation.save(update_fields=["status", "version"])
    record(
        actor.user,
        "participation.reopen",
        participation=participation,
        stage=MANDIRI,
        field="status",
        old=ParticipationStatus.SIGNING,
        new=ParticipationStatus.MANDIRI,
    )
    return participation


def scan_type(head: bytes) -> tuple[str, str] | None:
    """The Content-Type and extension of a signed scan from its first bytes, or None when it is none of them."""
    return next((found for magic, found in SIGNED_TYPES.items() if head.startswith(magic)), None)


@transaction.atomic
def upload_signed(actor: Actor, participation: Participation, kind: str, upload: Any) -> SignedDocument:
    """Take a signed scan back (PDF, PNG or JPEG by content); with both documents in, the self-assessment locks."""
    actor.require(Action.UPLOAD_SIGNED, participation.agency_id)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.status != ParticipationStatus.SIGNING:
        raise ActionRefused(_("Generate the Berita Acara first; signed scans are taken after that."))
    ensure_open(participation, MANDIRI)
    if kind not in SignedDocumentKind.values:
        raise ActionRefused(_("Unknown document type."))
    name = str(getattr(upload, "name", "scan")).replace("\\", "/").rsplit("/", 1)[-1][:200] or "scan"
    if upload.size == 0:
        raise ActionRefused(_("The file %(name)s is empty.") % {"name": name})
    if upload.size > MAX_SIGNED_BYTES:
        raise ActionRefused(_("The file %(name)s is larger than 20 MB.") % {"name": name})
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        head = head or chunk[:8]
        digest.update(chunk)
    found = scan_type(head)
    if found is None:
        raise ActionRefused(_("The file %(name)s is not a PDF, PNG or JPEG scan.") % {"name": name})
    upload.seek(0)
    SignedDocument.objects.filter(participation=participation, kind=kind).delete()
    document = SignedDocument(
        participation=participation,
        kind=kind,
        original_name=name,
        sha256=digest.hexdigest(),
        size=upload.size,
        uploaded_by=actor.user,
    )
    document.file.save(f"{kind}.{found[1]}", upload, save=False)
    document.save()
    record(
        actor.user,
        "signed.upload",
        participation=participation,
        stage=MANDIRI,
        field=kind,
        new=f"{name} sha256:{document.sha256}",
    )
    kinds = set(SignedDocument.objects.filter(participation=participation).values_list("kind", flat=True))
    if kinds == set(SignedDocumentKind.values):
        participation.status = ParticipationStatus.SUBMITTED
        participation.submitted_at = timezone.now()
        participation.version += 1
        participation.save(update_fields=["status", "submitted_at", "version"])
        record(
            actor.user,
            "participation.submit",
            participation=participation,
            stage=MANDIRI,
            field="status",
            old=ParticipationStatus.SIGNING,
            new=ParticipationStatus.SUBMITTED,
        )
    return document


def flag_signed_damaged(actor: Actor | None, document: SignedDocument, problem: str) -> None:
    """A signed scan whose stored file is missing or no longer matches its SHA-256: flagged for the national
    admin and audited (it is not served). ``problem`` is one of :mod:`indeks.files`' codes."""
    log.error("signed scan %s (%s) failed its integrity check: %s", document.pk, document.file.name, problem)
    first = SignedDocument.objects.filter(pk=document.pk, damaged_at__isnull=True).update(
        damaged_at=timezone.now(), damage=problem
    )
    if not first and actor is None:
        return  # a periodic check of a scan already flagged adds nothing
    record(
        actor.user if actor else None,
        "signed.integrity_failed",
        participation=document.participation,
        stage=MANDIRI,
        field=document.kind,
        old=f"{problem} sha256:{document.sha256}",
        note="" if first else "already flagged",
    )


def mark_signed_whole(document: SignedDocument) -> None:
    """A flagged signed scan was re-hashed whole (restored from a backup): the flag is lifted and audited."""
    if document.damaged_at is None:
        return
    SignedDocument.objects.filter(pk=document.pk).update(damaged_at=None, damage="")
    document.damaged_at, document.damage = None, ""
    record(None, "signed.integrity_restored", participation=document.participation, stage=MANDIRI, field=document.kind)
