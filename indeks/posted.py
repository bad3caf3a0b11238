"""Reading ids, numbers and times that a form posts outside a Django form field: never an exception.

``str.isdigit()`` is not a test for ``int()``: it says yes to "²" and to other digits that ``int()`` refuses (or
reads). ``posted_int`` takes ASCII digits only. ``parse_datetime`` raises on a time that is well formed but does not
exist ("25:61"), and a year far away overflows when it is converted to UTC for the database; ``posted_moment``
answers None for both, and ``validate_moment`` refuses them in a form field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

LONGEST_INT = 18  # digits: every such number fits the 64-bit columns of every database
EARLIEST = datetime.datetime(2000, 1, 1)
LATEST = datetime.datetime(2100, 12, 31, 23, 59)


def posted_int(value: object) -> int | None:
    """A non-negative integer written in ASCII digits (spaces around allowed), or None for anything else."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > LONGEST_INT or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def posted_ints(values: Iterable[object]) -> set[int]:
    """The integers among posted values (the others are left out)."""
    return {number for number in map(posted_int, values) if number is not None}


def posted_date(value: object) -> datetime.date | None:
    """A calendar date (``2026-03-01``) between 2000 and 2100, or None (also for "2025-02-30")."""
    if not isinstance(value, str) or len(value) > 20:
        return None
    try:
        day = parse_date(value.strip())
    except ValueError:  # well formed, but no such day
        return None
    if day is None or not EARLIEST.date() <= day <= LATEST.date():
        return None
    return day


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def in_range(moment: datetime.datetime) -> bool:
    earliest, latest = _aware(EARLIEST), _aware(LATEST)
    return earliest <= _aware(moment) <= latest


def posted_moment(value: object) -> datetime.datetime | None:
    """A date and time (``2026-03-01T09:30``) between 2000 and 2100 in the current time zone, or None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = parse_datetime(value.strip())
    except ValueError:  # well formed, but no such time ("2025-02-30", "25:61")
        return None
    if moment is None:
        return None
    try:
        moment = _aware(moment)
    except (OverflowError, ValueError):
        return None
    return moment if in_range(moment) else None


def validate_moment(moment: datetime.datetime) -> None:
    """A form field's validator: the platform's dates lie between 2000 and 2100 (a year 1 overflows in UTC)."""
    if not in_range(moment):
        raise ValidationError(_("Give a date between the years 2000 and 2100."), code="out_of_range")
