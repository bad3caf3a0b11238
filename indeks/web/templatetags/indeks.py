"""Template filters: index values the official way (exact Decimal, localized), predicates, levels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def index_value(value: Decimal | None) -> str:
    """A shown index value with two decimals in the active language's notation (3,28 or 3.28)."""
    if value is None:
        return "–"
    return number_format(value, decimal_pos=2, use_l10n=True)


@register.filter
def weight(value: Any) -> str:
    """A framework weight (Fraction) in local notation."""
    return number_format(Decimal(value.numerator) / Decimal(value.denominator), use_l10n=True).rstrip("0").rstrip(",.")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def predicate_class(name: str) -> str:
    """A CSS class per predicate for colour."""
    return "pred-" + str(name).lower().replace(" ", "-")


AUDIT_ACTIONS = {
    "answer.save": _("saved the answer"),
    "answer.submitted": _("submitted to the coordinator"),
    "answer.accepted": _("accepted"),
    "answer.returned": _("returned for revision"),
    "answer.recheck": _("confirmed the pre-filled answer"),
    "answer.prefill": _("pre-filled from last year"),
    "assignment.set": _("set the units"),
    "general.save": _("answered a general question"),
    "participation.signing": _("froze the answers for signing"),
    "participation.reopen": _("reopened the answers"),
    "participation.submit": _("submitted the self-assessment"),
    "signed.upload": _("uploaded a signed scan"),
    "window.extend": _("extended the window"),
    "evidence.upload": _("uploaded a document"),
    "evidence.link_registered": _("registered a link"),
    "evidence.version": _("added a document version"),
    "evidence.metadata": _("changed document details"),
    "evidence.delete": _("deleted a document"),
    "evidence.attach": _("linked evidence"),
    "evidence.detach": _("unlinked evidence"),
    "evidence.locator": _("changed the page or article"),
    "evidence.verify": _("verified evidence"),
    "evidence.integrity_failed": _("found a damaged file"),
    "assessor.score": _("scored"),
    "clarification.ask": _("asked for clarification"),
    "clarification.answer": _("answered the clarification"),
    "review.decide": _("reviewed"),
    "plan.action": _("updated an action"),
}
AUDIT_FIELDS = {
    "level": _("Level"),
    "fakta": _("Fakta"),
    "analisis": _("Analisis"),
    "justifikasi": _("Justifikasi"),
    "status": _("Status"),
    "owner": _("Owning unit"),
    "contributors": _("Contributing units"),
    "needs_recheck": _("to re-check"),
    "decision": _("Review decision"),
    "verification": _("Verification"),
    "with_visit": _("site visit"),
}


@register.filter
def audit_action(code: str) -> str:
    """A person-readable, translated label for an audit action code."""
    return str(AUDIT_ACTIONS.get(code, code))


@register.filter
def audit_field(name: str) -> str:
    """A translated label for a field name in the audit trail or a conflict."""
    return str(AUDIT_FIELDS.get(name, name))


@register.filter
def audit_value(value: str, field: str) -> str:
    """An old or new value of the audit trail in words: statuses, review decisions, verifications, yes/no."""
    from indeks.evidence.models import Verification

    if field == "status":
        return status_label(value)
    if field == "decision":
        return review_decision(value)
    if field == "verification" and value in Verification.values:
        return str(Verification(value).label)
    if value in ("True", "False"):
        return str(_("yes") if value == "True" else _("no"))
    return value


def review_decision(value: str) -> str:
    """``valid`` → "Valid"; ``invalid:2`` → "Tidak Valid, koreksi ke tingkat 2" (and the old tuples "(False, 2)")."""
    legacy = value.strip("()").split(", ") if value.startswith("(") else None
    if legacy and len(legacy) == 2:
        value = "" if legacy[0] == "None" else ("valid" if legacy[0] == "True" else f"invalid:{legacy[1]}")
    if value == "valid":
        return str(_("Valid"))
    if value.startswith("invalid:"):
        return str(_("Tidak Valid, corrected to level %(level)s") % {"level": value.partition(":")[2]})
    return value or "–"


@register.filter
def status_label(value: str) -> str:
    """The translated label of an answer or participation status code (as stored in the audit trail)."""
    from indeks.assessment.models import AnswerStatus
    from indeks.rounds.models import ParticipationStatus

    for choices in (AnswerStatus, ParticipationStatus):
        if value in choices.values:
            return str(choices(value).label)
    return value
