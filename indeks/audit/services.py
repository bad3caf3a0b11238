"""Recording audit entries. Called by every service that changes state, inside its transaction."""

from __future__ import annotations

from typing import Any

from indeks.audit.models import AuditEntry


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def record(
    actor: Any,
    action: str,
    *,
    agency: Any = None,
    participation: Any = None,
    indicator: int | None = None,
    stage: str = "",
    field: str = "",
    old: Any = None,
    new: Any = None,
    note: str = "",
) -> AuditEntry:
    """Append one entry to the audit trail."""
    if participation is not None and agency is None:
        agency = participation.agency
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        agency=agency,
        participation=participation,
        indicator=indicator,
        stage=stage,
        action=action,
        field=field,
        old=_text(old),
        new=_text(new),
        note=note,
    )


def record_changes(actor: Any, action: str, changes: dict[str, tuple[Any, Any]], **where: Any) -> list[AuditEntry]:
    """One entry per changed field (``changes`` maps field → (old, new)); unchanged fields are skipped."""
    return [
        record(actor, action, field=field, old=old, new=new, **where)
        for field, (old, new) in changes.items()
        if _text(old) != _text(new)
    ]
