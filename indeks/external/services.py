"""External assessment: assignments, scoring per stage, clarifications, interviews, notes, review, releases.

Each function checks role and scope, the stage window and the stage's applicability, writes, records the audit
entry (with the stage) and notifies, in one transaction.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indeks.assessment.models import Answer, AnswerStatus
from indeks.assessment.services import ANSWER_CONFLICT, indicator_units, lock_answer_for_edit
from indeks.audit.services import record, record_changes
from indeks.errors import ActionRefused
from indeks.external.models import AspectNote, Clarification, Interview, Recommendation, ReviewDecision, StageRelease
from indeks.notifications.services import agency_team, notify
from indeks.registry.access import Action, Actor
from indeks.registry.models import Agency, Role, RoleAssignment
from indeks.rounds.models import (
    ActivityType,
    AssessorAssignment,
    ConflictOfInterest,
    Participation,
    ParticipationStatus,
    Round,
    StageChoice,
)
from indeks.rounds.services import ensure_open
from indeks.versioning import lock_for_edit, save_next_version

EXTERNAL_STAGES = (StageChoice.DOKUMEN, StageChoice.INTERVIU, StageChoice.VISITASI)


def stage_applies(participation: Participation, stage: str) -> bool:
    """Dokumen for every agency; interviu for Evaluasi only; visitasi when decided for the agency."""
    if stage == StageChoice.DOKUMEN:
        return True
    if stage == StageChoice.INTERVIU:
        return participation.activity == ActivityType.EVALUASI
    if stage == StageChoice.VISITASI:
        return participation.activity == ActivityType.EVALUASI and participation.with_visit
    return stage == StageChoice.REVIU


def _require_assessor(actor: Actor, participation: Participation) -> None:
    if not actor.assesses(participation.agency_id, participation.round_id):
        raise PermissionDenied("not an assessor of this agency")


def _check_stage(participation: Participation, stage: str) -> None:
    if stage not in [s.value for s in EXTERNAL_STAGES]:
        raise ActionRefused(_("Unknown stage."))
    if not stage_applies(participation, stage):
        raise ActionRefused(_("%(stage)s does not apply to this agency.") % {"stage": StageChoice(stage).label})
    if participation.status != ParticipationStatus.SUBMITTED:
        raise ActionRefused(_("The agency has not submitted its self-assessment yet."))
    ensure_open(participation, stage)


# Assignment ---------------------------------------------------------------------------------------------------


def _conflicts(assessor_ids: Iterable[int]) -> set[tuple[int, int]]:
    return set(
        ConflictOfInterest.objects.filter(assessor_id__in=list(assessor_ids)).values_list("assessor_id", "agency_id")
    )


@transaction.atomic
def assign_from_rows(actor: Actor, round_: Round, rows: list[tuple[int, str, str]]) -> int:
    """Assign assessors from (line, username, agency code) rows; refuse the whole file on any bad line."""
    actor.require(Action.MANAGE_ROUNDS)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[r[1] for r in rows])}
    assessors = set(
        RoleAssignment.objects.filter(role=Role.ASSESSOR, user__in=users.values()).values_list("user_id", flat=True)
    )
    enrolled = {p.agency.code: p for p in Participation.objects.filter(round=round_).select_related("agency")}
    conflicts = _conflicts(assessors)
    problems, wanted = [], []
    for line, username, code in rows:
        user = users.get(username)
        if user is None or user.pk not in assessors:
            problems.append(_("Line %(n)s: '%(user)s' is not an external assessor.") % {"n": line, "user": username})
        elif code not in enrolled:
            problems.append(
                _("Line %(n)s: no agency with code '%(code)s' takes part in this round.") % {"n": line, "code": code}
            )
        elif (user.pk, enrolled[code].agency_id) in conflicts:
            problems.append(
                _("Line %(n)s: %(user)s declared a conflict of interest with %(agency)s.")
                % {"n": line, "user": username, "agency": enrolled[code].agency.name}
            )
        else:
            wanted.append((user, enrolled[code].agency))
    if problems:
        raise ActionRefused(_("Nothing was assigned; correct the file."), problems=problems)
    existing = set(AssessorAssignment.objects.filter(round=round_).values_list("assessor_id", "agency_id"))
    new = [
        AssessorAssignment(round=round_, agency=agency, assessor=user)
        for user, agency in dict.fromkeys(wanted)
        if (user.pk, agency.pk) not in existing
    ]
    AssessorAssignment.objects.bulk_create(new)
    record(actor.user, "assessors.assign", note=f"{round_.name}: {len(new)} assignments")
    return len(new)


def balance_plan(
    assessors: list[int], agencies: list[int], conflicts: set[tuple[int, int]], current: Counter[int] | None = None
) -> list[tuple[int, int]]:
    """Spread agencies over assessors as evenly as possible, never onto a declared conflict (deterministic).

    Each agency goes to the assessor with the fewest agencies so far among those without a conflict (ties by
    id). Conflicts can make that greedy choice uneven, so agencies are then moved along chains of assessors
    (each agency to another assessor free of conflict with it) from a heavier assessor to one at least two
    agencies lighter, until no such chain exists: then no plan has a smaller spread (max - min).
    Raises ActionRefused when an agency has no assessor without a conflict.
    """
    load: Counter[int] = Counter(current or {})
    for a in assessors:
        load.setdefault(a, 0)
    chosen_for: dict[int, int] = {}
    free_for: dict[int, list[int]] = {}
    for agency in agencies:
        free = [a for a in sorted(assessors) if (a, agency) not in conflicts]
        if not free:
            raise ActionRefused(
                _("Every assessor declared a conflict of interest with one agency (id %(id)s).") % {"id": agency}
            )
        chosen = min(free, key=lambda a: (load[a], a))
        load[chosen] += 1
        chosen_for[agency] = chosen
        free_for[agency] = free
    while _move_along_a_chain(load, chosen_for, free_for):
        pass
    return [(chosen_for[agency], agency) for agency in agencies]


def _move_along_a_chain(load: Counter[int], chosen_for: dict[int, int], free_for: dict[int, list[int]]) -> bool:
    """Move agencies one step along a chain from a heavy assessor to one two lighter (True when one was moved).

    Each move lowers the sum of squared loads, so repeating it ends; when no chain is left the spread is minimal.
    """
    held: dict[int, list[int]] = {}
    for agency, assessor in chosen_for.items():
        held.setdefault(assessor, []).append(agency)
    lowest = min(load.values())
    for start in sorted(held, key=lambda a: (-load[a], a)):
        if load[start] < lowest + 2:
            break
        came_from: dict[int, tuple[int, int] | None] = {start: None}
        frontier = [start]
        while frontier:
            following = []
            for assessor in frontier:
                for agency in held.get(assessor, []):
                    for other in free_for[agency]:
                        if other in came_from:
                            continue
                        came_from[other] = (assessor, agency)
                        if load[other] <= load[start] - 2:
                            step: tuple[int, int] | None = came_from[other]
                            end = other
                            while step is not None:
                                previous, moved = step
                                chosen_for[moved] = end
                                end, step = previous, came_from[previous]
                            load[start] -= 1
                            load[other] += 1
                            return True
                        following.append(other)
            frontier = following
    return False


@transaction.atomic
def balance(actor: Actor, round_: Round) -> int:
    """Assign every enrolled agency without an assessor, spreading the load evenly."""
    actor.require(Action.MANAGE_ROUNDS)
    assessors = list(RoleAssignment.objects.filter(role=Role.ASSESSOR).values_list("user_id", flat=True).distinct())
    if not assessors:
        raise ActionRefused(_("There are no external assessors yet."))
    assigned = set(AssessorAssignment.objects.filter(round=round_).values_list("agency_id", flat=True))
    agencies = [
        a
        for a in Participation.objects.filter(round=round_).order_by("agency__name").values_list("agency_id", flat=True)
        if a not in assigned
    ]
    current = Counter(AssessorAssignment.objects.filter(round=round_).values_list("assessor_id", flat=True))
    pairs = balance_plan(assessors, agencies, _conflicts(assessors), current)
    AssessorAssignment.objects.bulk_create(
        AssessorAssignment(round=round_, assessor_id=a, agency_id=g) for a, g in pairs
    )
    record(actor.user, "assessors.balance", note=f"{round_.name}: {len(pairs)} assignments")
    return len(pairs)


@transaction.atomic
def declare_conflict(actor: Actor, assessor: Any, agency: Agency, note: str = "") -> ConflictOfInterest:
    """An assessor declares (or the admin records) a conflict; an existing assignment to that agency is removed."""
    if actor.user.pk != assessor.pk:
        actor.require(Action.MANAGE_ROUNDS)
    conflict, _made = ConflictOfInterest.objects.get_or_create(
        assessor=assessor, agency=agency, defaults={"note": note}
    )
    removed, _ = AssessorAssignment.objects.filter(assessor=assessor, agency=agency).delete()
    record(actor.user, "assessors.conflict", agency=agency, note=f"{assessor.username}; {removed} assignments removed")
    return conflict


# Scoring ------------------------------------------------------------------------------------------------------


@transaction.atomic
def score(
    actor: Actor,
    participation: Participation,
    indicator: int,
    stage: str,
    *,
    level: int,
    fakta: str,
    analisis: str,
    justifikasi: str,
    version: int | None,
) -> Answer:
    """The assessor's level and explanation for one indicator at one stage (optimistic locking on ``version``)."""
    _require_assessor(actor, participation)
    framework = participation.round.framework
    if not framework.has_indicator(indicator):
        raise ActionRefused(_("Indicator %(n)s is not in this round's framework.") % {"n": indicator})
    _check_stage(participation, stage)
    ladder = framework.ladder_of(indicator)
    if not ladder.minimum <= level <= ladder.maximum:
        raise ActionRefused(
            _("The level must be between %(low)s and %(high)s.") % {"low": ladder.minimum, "high": ladder.maximum}
        )
    if not justifikasi.strip():
        raise ActionRefused(_("Write the Justifikasi: the level and why."))
    new = {"level": level, "fakta": fakta.strip(), "analisis": analisis.strip(), "justifikasi": justifikasi.strip()}
    answer, rows = lock_answer_for_edit(participation, indicator, stage, version, new)
    old = {f: getattr(answer, f) for f in new}
    for name, value in new.items():
        setattr(answer, name, value)
    answer.status = AnswerStatus.ACCEPTED
    answer.updated_by = actor.user
    save_next_version(answer, rows, yours=new, conflict=ANSWER_CONFLICT)
    record_changes(
        actor.user,
        "assessor.score",
        {f: (old[f], new[f]) for f in new},
        participation=participation,
        indicator=indicator,
        stage=stage,
    )
    return answer


@transaction.atomic
def ask(actor: Actor, participation: Participation, indicator: int, stage: str, question: str) -> Clarification:
    """The assessor asks the agency to clarify an indicator; the agency answers within the stage window."""
    _require_assessor(actor, participation)
    if not participation.round.framework.has_indicator(indicator):
        raise ActionRefused(_("Indicator %(n)s is not in this round's framework.") % {"n": indicator})
    _check_stage(participation, stage)
    if not question.strip():
        raise ActionRefused(_("Write the question."))
    item = Clarification.objects.create(
        participation=participation, indicator=indicator, stage=stage, question=question.strip(), asked_by=actor.user
    )
    record(
        actor.user,
        "clarification.ask",
        participation=participation,
        indicator=indicator,
        stage=stage,
        note=question.strip(),
    )
    notify(
        agency_team(participation, respondents_of=indicator_units(participation, indicator)),
        "clarification.asked",
        _("Clarification requested on indicator %(n)s") % {"n": indicator},
        f"/assess/agency/{participation.pk}/clarifications/",
    )
    return item


@transaction.atomic
def answer_clarification(actor: Actor, item: Clarification, text: str) -> Clarification:
    """The agency answers a clarification (coordinator, operator or a respondent of the indicator's units)."""
    participation = item.participation
    actor.require(Action.EDIT_ANSWER, participation.agency_id, indicator_units(participation, item.indicator))
    ensure_open(participation, item.stage)
    if item.answered_at is not None:
        raise ActionRefused(_("This clarification is already answered."))
    if not text.strip():
        raise ActionRefused(_("The answer cannot be empty."))
    item.answer, item.answered_by, item.answered_at = text.strip(), actor.user, timezone.now()
    item.save(update_fields=["answer", "answered_by", "answered_at"])
    record(
        actor.user,
        "clarification.answer",
        participation=participation,
        indicator=item.indicator,
        stage=item.stage,
        note=text.strip(),
    )
    notify(
        [item.asked_by],
        "clarification.answered",
        _("%(agency)s answered the clarification on indicator %(n)s")
        % {"agency": participation.agency.name, "n": item.indicator},
        f"/assess/p/{participation.pk}/{item.stage}/{item.indicator}/",
    )
    return item


@transaction.atomic
def schedule_interview(
    actor: Actor, participation: Participation, stage: str, when: datetime.datetime, participants: str, notes: str = ""
) -> Interview:
    """Schedule (or reschedule) the interview or visit and record its participants and notes."""
    _require_assessor(actor, participation)
    if stage not in (StageChoice.INTERVIU, StageChoice.VISITASI):
        raise ActionRefused(_("Only interviews and visits are scheduled."))
    _check_stage(participation, stage)
    if not participants.strip():
        raise ActionRefused(_("List the participants."))
    interview, _made = Interview.objects.update_or_create(
        participation=participation,
        stage=stage,
        defaults={"scheduled_at": when, "participants": participants.strip(), "notes": notes.strip()},
    )
    record(
        actor.user,
        "interview.schedule",
        participation=participation,
        stage=stage,
        new=when.isoformat(),
        note=participants.strip(),
    )
    notify(
        agency_team(participation),
        "interview.scheduled",
        _("%(stage)s scheduled") % {"stage": StageChoice(stage).label},
        reverse("results:agency", args=(participation.pk,)),
    )
    return interview


def prefilled_notes(levels: dict[int, int], framework: Any) -> dict[str, tuple[str, str]]:
    """Strengths (levels 4-5) and weaknesses (levels 1-2) per aspect, as starting text the assessor edits."""
    notes = {}
    for aspect in framework.aspects:
        strong = [f"{i.number}. {i.name}" for i in aspect.indicators if levels.get(i.number, 0) >= 4]
        weak = [f"{i.number}. {i.name}" for i in aspect.indicators if levels.get(i.number, 0) in (1, 2)]
        notes[aspect.code] = ("\n".join(strong), "\n".join(weak))
    return notes


@transaction.atomic
def save_aspect_note(
    actor: Actor, participation: Participation, aspect: str, strengths: str, weaknesses: str, version: int | None
) -> AspectNote:
    """The assessor's strengths and weaknesses of one aspect."""
    _require_assessor(actor, participation)
    if aspect not in {a.code for a in participation.round.framework.aspects}:
        raise ActionRefused(_("Unknown aspect."))
    rows = AspectNote.objects.filter(participation=participation, aspect=aspect)
    conflict = _("Someone else saved these notes since you opened them. Nothing was saved.")
    yours = {"strengths": strengths.strip(), "weaknesses": weaknesses.strip()}
    note = lock_for_edit(
        rows,
        version,
        yours=yours,
        conflict=conflict,
        make=lambda: AspectNote(participation=participation, aspect=aspect, version=0),
    )
    old = (note.strengths, note.weaknesses)
    note.strengths, note.weaknesses = yours["strengths"], yours["weaknesses"]
    save_next_version(note, rows, yours=yours, conflict=conflict)
    record_changes(
        actor.user,
        "assessor.aspect_note",
        {"strengths": (old[0], note.strengths), "weaknesses": (old[1], note.weaknesses)},
        participation=participation,
        note=f"aspect {aspect}",
    )
    return note


@transaction.atomic
def save_recommendation(
    actor: Actor, participation: Participation, fields: dict[str, str], version: int | None
) -> Recommendation:
    """The general recommendation (summary, strengths, weaknesses, advice)."""
    _require_assessor(actor, participation)
    rows = Recommendation.objects.filter(participation=participation)
    conflict = _("Someone else saved the recommendation since you opened it. Nothing was saved.")
    yours = {k: fields.get(k, "").strip() for k in ("summary", "strengths", "weaknesses", "advice")}
    rec = lock_for_edit(
        rows,
        version,
        yours=yours,
        conflict=conflict,
        make=lambda: Recommendation(participation=participation, version=0),
    )
    old = {k: getattr(rec, k) for k in yours}
    for key, value in yours.items():
        setattr(rec, key, value)
    save_next_version(rec, rows, yours=yours, conflict=conflict)
    record_changes(
        actor.user, "assessor.recommendation", {k: (old[k], getattr(rec, k)) for k in old}, participation=participation
    )
    return rec


# Review and release ------------------------------------------------------------------------------------------


@transaction.atomic
def review(
    actor: Actor, participation: Participation, indicator: int, *, valid: bool, reason: str, level: int | None
) -> ReviewDecision:
    """Tim Reviu marks the external assessment Valid or Tidak Valid; Tidak Valid needs a corrected level and reason."""
    if not actor.is_reviewer:
        raise PermissionDenied("review team only")
    framework = participation.round.framework
    if not framework.has_indicator(indicator):
        raise ActionRefused(_("Indicator %(n)s is not in this round's framework.") % {"n": indicator})
    ensure_open(participation, StageChoice.REVIU)
    if participation.status != ParticipationStatus.SUBMITTED:
        raise ActionRefused(_("The agency has not submitted its self-assessment yet."))
    if not valid:
        ladder = framework.ladder_of(indicator)
        if level is None or not ladder.minimum <= level <= ladder.maximum:
            raise ActionRefused(
                _("A Tidak Valid decision needs the corrected level (%(low)s-%(high)s).")
                % {"low": ladder.minimum, "high": ladder.maximum}
            )
        if not reason.strip():
            raise ActionRefused(_("Write the reason of the correction."))
    decision = (
        ReviewDecision.objects.select_for_update().filter(participation=participation, indicator=indicator).first()
    )
    old = _decision_words(decision)
    if decision is None:
        decision = ReviewDecision(participation=participation, indicator=indicator, decided_by=actor.user, valid=valid)
    decision.valid, decision.reason = valid, reason.strip()
    decision.corrected_level = None if valid else level
    decision.decided_by = actor.user
    decision.save()
    correction = Answer.objects.filter(participation=participation, stage=StageChoice.REVIU, indicator=indicator)
    if valid:
        correction.delete()
    else:
        correction.update_or_create(
            participation=participation,
            stage=StageChoice.REVIU,
            indicator=indicator,
            defaults={
                "level": level,
                "justifikasi": reason.strip(),
                "status": AnswerStatus.ACCEPTED,
                "updated_by": actor.user,
            },
        )
    record(
        actor.user,
        "review.decide",
        participation=participation,
        indicator=indicator,
        stage=StageChoice.REVIU,
        field="decision",
        old=old,
        new=_decision_words(decision),
        note=reason.strip(),
    )
    return decision


def _decision_words(decision: ReviewDecision | None) -> str:
    """A review decision as the audit trail keeps it: ``valid``, ``invalid:<level>`` or empty (none yet)."""
    if decision is None:
        return ""
    return "valid" if decision.valid else f"invalid:{decision.corrected_level}"


@transaction.atomic
def release(actor: Actor, participations: Iterable[Participation], stage: str) -> int:
    """Make a stage's results visible to the agencies (national admin); each agency is notified."""
    actor.require(Action.MANAGE_ROUNDS)
    if stage not in StageChoice.values or stage == StageChoice.MANDIRI:
        raise ActionRefused(_("Unknown stage."))
    count = 0
    for participation in participations:
        _obj, made = StageRelease.objects.get_or_create(
            participation=participation, stage=stage, defaults={"released_by": actor.user}
        )
        if made:
            count += 1
            record(actor.user, "stage.release", participation=participation, stage=stage)
            notify(
                agency_team(participation),
                "stage.released",
                _("Results of %(stage)s are available") % {"stage": StageChoice(stage).label},
                reverse("results:agency", args=(participation.pk,)),
            )
    return count


@transaction.atomic
def set_visit(actor: Actor, participation: Participation, with_visit: bool) -> None:
    """Decide whether the agency gets a site visit (Evaluasi only)."""
    actor.require(Action.MANAGE_ROUNDS)
    if with_visit and participation.activity != ActivityType.EVALUASI:
        raise ActionRefused(_("Only agencies in Evaluasi get a site visit."))
    old = participation.with_visit
    participation.with_visit = with_visit
    participation.save(update_fields=["with_visit"])
    record(actor.user, "participation.visit", participation=participation, field="with_visit", old=old, new=with_visit)
