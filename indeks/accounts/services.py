"""Lifting a sign-in lock: the national admin's unlock, recorded in the audit trail."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from indeks.audit.services import record
from indeks.errors import ActionRefused
from indeks.registry.access import Action, Actor


def unlock(actor: Actor, *, username: str | None = None, address: str | None = None) -> int:
    """Forget the failed sign-ins of ``username`` from ``address`` (both given), or of every account from
    ``address`` (username None), so the next attempt is counted from zero. Returns the failures forgotten."""
    actor.require(Action.UNLOCK_SIGN_IN)
    if not address and not username:
        raise ActionRefused(_("Choose a lock to lift."))
    with transaction.atomic():
        attempts = AccessAttempt.objects.select_for_update()
        if address:
            attempts = attempts.filter(ip_address=address)
        if username:
            attempts = attempts.filter(username=username)
        failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if not failures:
            raise ActionRefused(_("This lock has already been lifted or has expired."))
        reset(ip=address or None, username=username or None)
        where = f"{username} @ {address}" if username and address else (address or username or "")
        record(
            actor.user,
            "signin.unlock",
            field="account" if username else "address",
            old=failures,
            new=0,
            note=where,
        )
    return failures
