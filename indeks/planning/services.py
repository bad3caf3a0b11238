"""Changing plans: save a computed plan, turn it into tracked actions, update an action. Audited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils.translation import gettext as _

from indeks.assessment.models import IndicatorAssignment
from indeks.audit.services import record
from indeks.core.numbers import exact_str
from indeks.core.planner import Plan as CorePlan
from indeks.errors import ActionRefused
from indeks.planning.models import ActionStatus, Plan, PlanAction
from indeks.registry.access import Action, Actor
from indeks.rounds.models import Participation
from indeks.versioning import lock_for_edit, save_next_version


@transaction.atomic
def save_plan(
    actor: Actor,
    participation: Participation,
    computed: CorePlan,
    *,
    name: str,
    target_label: str,
    baseline: str,
    max_step: int | None,
    locked: list[int],
    costs: dict[int, Fraction],
) -> Plan:
    """Keep a computed plan under a name, with its constraints, so it can be compared and tracked."""
    actor.require(Action.SAVE_PLAN, participation.agency_id)
    if not name.strip():
        raise ActionRefused(_("Give the plan a name."))
    plan = Plan.objects.create(
        participation=participation,
        name=name.strip()[:200],
        target=Decimal(exact_str(computed.target, max_places=4)),
        target_label=target_label[:200],
        baseline=baseline,
        max_step=max_step,
        locked=sorted(locked),
        costs={str(n): exact_str(c, min_places=0) for n, c in sorted(costs.items())},
        steps=[
            {"indicator": s.indicator, "from": s.from_level, "to": s.to_level, "cost": exact_str(s.cost, min_places=0)}
            for s in computed.steps
        ],
        cost=Decimal(exact_str(computed.cost, min_places=0, max_places=4)),
        index_before=exact_str(computed.before.index.exact),
        index_after=exact_str(computed.after.index.exact),
        created_by=actor.user,
    )
    record(actor.user, "plan.save", participation=participation, field="plan", new=f"{plan.name}: {plan.index_after}")
    return plan


@transaction.atomic
def track(actor: Actor, plan: Plan) -> int:
    """Turn a saved plan's steps into actions owned by each indicator's owning unit. Returns how many were made."""
    actor.require(Action.SAVE_PLAN, plan.participation.agency_id)
    if plan.actions.exists():
        raise ActionRefused(_("This plan is already tracked."))
    owners = dict(
        IndicatorAssignment.objects.filter(participation=plan.participation).values_list("indicator", "owner_id")
    )
    PlanAction.objects.bulk_create(
        PlanAction(
            plan=plan,
            indicator=step["indicator"],
            from_level=step["from"],
            to_level=step["to"],
            owner_id=owners.get(step["indicator"]),
        )
        for step in plan.steps
    )
    record(actor.user, "plan.track", participation=plan.participation, note=f"{plan.name}: {len(plan.steps)} actions")
    return len(plan.steps)


@transaction.atomic
def update_action(
    actor: Actor, action: PlanAction, *, status: str, due: datetime.date | None, version: int
) -> PlanAction:
    """Report progress on an action (status and due date), with optimistic locking."""
    participation = action.plan.participation
    units = {action.owner_id} if action.owner_id else set()
    actor.require(Action.TRACK_ACTIONS, participation.agency_id, units)
    if status not in ActionStatus.values:
        raise ActionRefused(_("Unknown status."))
    rows = PlanAction.objects.filter(pk=action.pk)
    conflict = _("Someone else updated this action since you opened it. Nothing was saved.")
    yours = {"status": status, "due": due}
    current = lock_for_edit(rows, version, yours=yours, conflict=conflict, make=lambda: action)
    old = (current.status, current.due)
    current.status, current.due = status, due
    save_next_version(current, rows, yours=yours, conflict=conflict, update_fields=["status", "due"])
    record(
        actor.user,
        "plan.action",
        participation=participation,
        indicator=current.indicator,
        field="status",
        old=f"{old[0]} {old[1] or ''}".strip(),
        new=f"{status} {due or ''}".strip(),
    )
    return current
