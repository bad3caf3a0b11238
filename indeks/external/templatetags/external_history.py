"""The external side's history of one indicator as the agency may see it (released stages, by role)."""

from __future__ import annotations

from typing import Any

from django import template

from indeks.external.selectors import released_history
from indeks.registry.access import actor_of

register = template.Library()


@register.inclusion_tag("external/_released_history.html", takes_context=True)
def external_history(context: Any, participation: Any, number: int) -> dict[str, Any]:
    return {"rows": released_history(actor_of(context["request"]), participation, number)}
