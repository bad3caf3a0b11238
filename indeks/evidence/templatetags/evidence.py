"""The evidence panels other pages include: the indicator's evidence and the dashboard's one-line summary."""

from __future__ import annotations

from typing import Any

from django import template

from indeks.assessment.services import indicator_units
from indeks.evidence import access, checks, selectors
from indeks.evidence.models import Verification
from indeks.registry.access import actor_of

register = template.Library()


@register.inclusion_tag("evidence/_indicator_panel.html", takes_context=True)
def indicator_evidence(context: Any, participation: Any, indicator: Any, answer: Any = None) -> dict[str, Any]:
    """One query: the indicator's links (the indicator page already knows whether the actor may edit)."""
    request = context["request"]
    actor = actor_of(request)
    links = list(selectors.live_links(participation, indicator.number))
    agency_id = participation.agency_id
    can_edit = context.get("can_edit")
    if can_edit is None:
        can_edit = access.can_link(actor, agency_id, indicator_units(participation, indicator.number))
    level = answer.level if answer is not None else None
    warnings = checks.indicator_warnings(
        participation, indicator.number, level, links, checks.assessment_date(participation)
    )
    return {
        "csrf_token": context.get("csrf_token"),
        "p": participation,
        "indicator": indicator,
        "links": links,
        "warnings": warnings,
        "can_link": bool(can_edit) and participation.status == "mandiri",
        "can_verify": access.can_verify(actor, participation),
        "verification_choices": Verification.choices,
    }


@register.inclusion_tag("evidence/_dashboard_panel.html", takes_context=True)
def dashboard_evidence(context: Any, participation: Any) -> dict[str, Any]:
    grouped = selectors.links_by_indicator(participation)
    warnings = checks.participation_warnings(participation, grouped)
    return {
        "p": participation,
        "warning_count": sum(len(w) for w in warnings.values()),
        "indicator_count": len(warnings),
        "linked_count": len(grouped),
    }


@register.inclusion_tag("evidence/_damaged_notice.html", takes_context=True)
def damaged_files_notice(context: Any) -> dict[str, Any]:
    """For the national admin's pages: how many stored files are flagged damaged, with the link to the list."""
    return {"count": selectors.damaged_count(), "show": actor_of(context["request"]).is_national_admin}
