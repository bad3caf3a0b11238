"""Changing rounds: create, schedule, enrol agencies, extend a window. Every change checks and audits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from indeks.audit.services import record
from indeks.core.loader import builtin_ids
from indeks.errors import ActionRefused
from indeks.registry.access import Action, Actor
from indeks.registry.models import Agency
from indeks.rounds.models import (
    ActivityType,
    Participation,
    Round,
    StageChoice,
    StageWindow,
    WindowExtension,
    window_state,
)


def effective_window(participation: Participation, stage: str) -> tuple[datetime | None, datetime | None]:
    """(opens, closes) of a stage for one agency, with its extension applied. Uses prefetched data when present."""
    window = next((w for w in participation.round.windows.all() if w.stage == stage), None)
    if window is None:
        return None, None
    closes = window.closes
    extension = next((e for e in participation.extensions.all() if e.stage == stage), None)
    if extension is not None and extension.closes > closes:
        closes = extension.closes
    return window.opens, closes


def stage_state(participation: Participation, stage: str, now: datetime | None = None) -> str:
    """'not_scheduled', 'upcoming', 'open' or 'closed' for one agency."""
    opens, closes = effective_window(participation, stage)
    return window_state(opens, closes, now)


def ensure_open(participation: Participation, stage: str) -> None:
    """Refuse any change to a stage whose window is not open for this agency."""
    opens, closes = effective_window(participation, stage)
    state = window_state(opens, closes)
    label = StageChoice(stage).label
    if state == "not_scheduled":
        raise ActionRefused(_("%(stage)s has no schedule in this round.") % {"stage": label})
    if state == "upcoming":
        when = formats.date_format(timezone.localtime(opens), "DATETIME_FORMAT")
        raise ActionRefused(_("%(stage)s opens on %(date)s.") % {"stage": label, "date": when})
    if state == "closed":
        when = formats.date_format(timezone.localtime(closes), "DATETIME_FORMAT")
        raise ActionRefused(
            _("%(stage)s closed on %(date)s; answers of this stage can no longer change.")
            % {"stage": label, "date": when}
        )


@transaction.atomic
def create_round(
    actor: Actor, *, year: int, name: str, framework_id: str, windows: dict[str, tuple[datetime, datetime]]
) -> Round:
    """Create a round with its stage windows."""
    actor.require(Action.MANAGE_ROUNDS)
    if framework_id not in builtin_ids():
        raise ActionRefused(_("Unknown framework '%(id)s'.") % {"id": framework_id})
    for stage, (opens, closes) in windows.items():
        if closes <= opens:
            raise ActionRefused(
                _("The window of %(stage)s must close after it opens.") % {"stage": StageChoice(stage).label}
            )
    created = Round.objects.create(year=year, name=name, framework_id=framework_id)
    StageWindow.objects.bulk_create(
        StageWindow(round=created, stage=stage, opens=opens, closes=closes)
        for stage, (opens, closes) in windows.items()
    )
    record(actor.user, "round.create", new=f"{name} ({framework_id})")
    return created


@transaction.atomic
def enrol_agencies(
    actor: Actor, round_: Round, agencies: Iterable[Agency], activity: str, *, with_visit: bool = False
) -> tuple[int, int]:
    """Add agencies to a round in bulk; returns (added, already enrolled). Existing ones are left as they are."""
    actor.require(Action.MANAGE_ROUNDS)
    if activity not in ActivityType.values:
        raise ActionRefused(_("Unknown activity type '%(value)s'.") % {"value": activity})
    wanted = {a.pk: a for a in agencies}
    existing = set(Participation.objects.filter(round=round_, agency_id__in=wanted).values_list("agency_id", flat=True))
    new = [
        Participation(round=round_, agency=agency, activity=activity, with_visit=with_visit)
        for pk, agency in wanted.items()
        if pk not in existing
    ]
    Participation.objects.bulk_create(new)
    if new:
        record(actor.user, "round.enrol", note=f"{round_.name}: {len(new)} agencies, {activity}")
    return len(new), len(existing)


@transaction.atomic
def extend_window(actor: Actor, participation: Participation, stage: str, closes: datetime, reason: str) -> None:
    """Give one agency a later closing time for one stage."""
    actor.require(Action.MANAGE_ROUNDS)
    if not reason.strip():
        raise ActionRefused(_("Give the reason for the extension."))
    window = participation.round.windows.filter(stage=stage).first()
    if window is None:
        raise ActionRefused(_("This stage has no schedule in the round."))
    if closes <= window.closes:
        raise ActionRefused(_("An extension must close after the round's own closing time."))
    previous = participation.extensions.filter(stage=stage).first()
    WindowExtension.objects.update_or_create(
        participation=participation, stage=stage, defaults={"closes": closes, "reason": reason.strip()}
    )
    record(
        actor.user,
        "window.extend",
        participation=participation,
        stage=stage,
        field="closes",
        old=(previous.closes if previous else window.closes).isoformat(),
        new=closes.isoformat(),
        note=reason.strip(),
    )
