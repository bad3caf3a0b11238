"""Sending notifications: a row per person (shown in the app) and an e-mail through Django's mail back-end."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from indeks.notifications.models import Notification, StageNotice
from indeks.registry.models import Role, RoleAssignment
from indeks.rounds.models import Participation, StageWindow


def notify(users: Iterable[Any], kind: str, message: str, url: str = "") -> int:
    """Tell each person (once each); e-mails go out after the transaction commits. Returns how many."""
    people = {u.pk: u for u in users if u is not None}
    Notification.objects.bulk_create(Notification(user=u, kind=kind, message=message, url=url) for u in people.values())
    mails = [
        (f"[Indeks] {message[:70]}", f"{message}\n\n{url}", settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in people.values()
        if u.email
    ]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return len(people)


def agency_team(participation: Participation, *, respondents_of: set[int] | None = None) -> list[Any]:
    """The agency's coordinator, official and operators, plus respondents of the given units."""
    roles = RoleAssignment.objects.filter(agency_id=participation.agency_id).select_related("user")
    people = [r.user for r in roles if r.role in (Role.COORDINATOR, Role.OFFICIAL, Role.OPERATOR)]
    if respondents_of:
        people += [r.user for r in roles if r.role == Role.RESPONDENT and r.unit_id in respondents_of]
    return people


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all, or the given ones)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def announce_stage_changes(now: Any = None) -> int:
    """Announce every stage window that opened or closed since the last run (each event once)."""
    from indeks.rounds.models import StageChoice

    now = now or timezone.now()
    sent = 0
    done = set(StageNotice.objects.values_list("window_id", "event"))
    for window in StageWindow.objects.select_related("round").filter(opens__lte=now):
        for event, happened in (("opened", window.opens <= now), ("closed", window.closes <= now)):
            if not happened or (window.pk, event) in done:
                continue
            label = StageChoice(window.stage).label
            message = f"{window.round.name}: {label} — {'dibuka' if event == 'opened' else 'ditutup'}"
            for participation in Participation.objects.filter(round=window.round).select_related("agency"):
                sent += notify(agency_team(participation), f"stage.{event}", message, f"/p/{participation.pk}/")
            StageNotice.objects.create(window=window, event=event)
    return sent
