"""Optimistic locking, written once for every service that saves an edited object.

A form carries the ``version`` of the object it showed (``None`` or 0 when there was none yet). The service locks
the row, compares, and either refuses with :class:`~indeks.errors.EditConflict` (what changed: theirs, yours) or
saves with the next version. Two *first* saves at the same moment find no row to lock; the second one's insert
meets the unique constraint, and it gets the same conflict as any other edit, never a database error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from indeks.errors import ActionRefused, EditConflict

M = TypeVar("M", bound=models.Model)

GONE = _("This no longer exists; reload the page.")


def differences(current: Any, yours: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Field → (theirs, yours) for every field where the saved object differs from what was sent."""
    return {name: (getattr(current, name), value) for name, value in yours.items() if getattr(current, name) != value}


def lock_for_edit(
    queryset: models.QuerySet[M],
    version: int | None,
    *,
    yours: Mapping[str, Any],
    conflict: Any,
    make: Callable[[], M],
    gone: Any = GONE,
) -> M:
    """The locked current object, or a new unsaved one (``make()``, version 0) when there is none yet.

    Refuses with ``EditConflict(conflict, ...)`` when the object changed since ``version`` was read, and with
    ``gone`` when the form edited an object that no longer exists. Call inside the service's transaction.
    """
    current = queryset.select_for_update().first()
    if current is None:
        if version not in (None, 0):
            raise ActionRefused(gone)
        return make()
    if version != current.version:  # type: ignore[attr-defined]  # M: a model with a version field (no such bound)
        raise EditConflict(conflict, differences(current, yours), current)
    return current


def save_next_version(
    obj: M,
    queryset: models.QuerySet[M],
    *,
    yours: Mapping[str, Any],
    conflict: Any,
    update_fields: list[str] | None = None,
) -> M:
    """Save ``obj`` with its version raised by one. A first save that loses the race for the row (unique
    constraint) raises the same ``EditConflict`` against the row the winner saved."""
    obj.version += 1  # type: ignore[attr-defined]  # M: a model with a version field (no such bound)
    if obj.pk is not None:
        obj.save(update_fields=[*update_fields, "version"] if update_fields else None)
        return obj
    try:
        with transaction.atomic():  # a savepoint: the outer transaction survives the refused insert
            obj.save()
    except IntegrityError:
        winner = queryset.select_for_update().first()
        if winner is None:
            raise
        obj.pk = None
        raise EditConflict(conflict, differences(winner, yours), winner) from None
    return obj
