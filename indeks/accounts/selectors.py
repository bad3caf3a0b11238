"""Reads of django-axes' failed sign-in records: the failures from an address and the lockouts in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

LOCKOUTS_SHOWN = 200


@dataclass(frozen=True)
class Lockout:
    """A lock in force: one account from one address, or (username None) every account from an address."""

    username: str | None
    address: str | None
    failures: int
    last_attempt: datetime
    until: datetime


def failures_from_address(address: str, since: datetime) -> int:
    """Failed sign-ins of every account from the address since ``since`` (one query)."""
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def current_lockouts() -> tuple[list[Lockout], list[Lockout]]:
    """The accounts locked from an address and the addresses locked for every account, newest first (two queries).

    Axes keeps one row per account, address and browser, with the failures since its first one; rows whose last
    failure is older than the cool-off no longer count.
    """
    cooloff = settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
    pairs = (
        recent.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")[:LOCKOUTS_SHOWN]
    )
    addresses = (
        recent.values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.INDEKS_LOGIN_ADDRESS_FAILURE_LIMIT)
        .order_by("-last")[:LOCKOUTS_SHOWN]
    )
    return (
        [Lockout(r["username"], r["ip_address"], r["failures"], r["last"], r["last"] + cooloff) for r in pairs],
        [Lockout(None, r["ip_address"], r["failures"], r["last"], r["last"] + cooloff) for r in addresses],
    )
