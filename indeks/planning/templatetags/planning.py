"""The planner's panels on other apps' pages (the dashboard's progress of improvement actions)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Q

from indeks.planning.models import ActionStatus, PlanAction

register = template.Library()


@register.inclusion_tag("planning/_action_progress.html")
def action_progress(participation: Any) -> dict[str, Any]:
    """Tracked improvement actions of the participation: how many, how many done (one query)."""
    actions = PlanAction.objects.filter(plan__participation=participation).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status=ActionStatus.DONE))
    )
    return {"p": participation, "actions": actions}
