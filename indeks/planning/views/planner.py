"""The roadmap to a target and the what-if simulator."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks.assessment.models import IndicatorAssignment
from indeks.assessment.views.common import participation_view
from indeks.core.engine import compute
from indeks.core.numbers import exact_str
from indeks.core.planner import CostModel, PlanInputError, TargetUnreachable, plan
from indeks.errors import ActionRefused
from indeks.planning import services
from indeks.planning.forms import PlanForm, SavePlanForm
from indeks.planning.selectors import BASELINES, baseline_levels, peers, rank
from indeks.registry.access import Action, Actor
from indeks.rounds.models import Participation

INITIAL = {"target_kind": "predicate", "baseline": "current", "max_step": 1}


def _costs_json(per_indicator: dict[int, Fraction]) -> str:
    return json.dumps({str(n): exact_str(c, min_places=0) for n, c in sorted(per_indicator.items())})


def _page(
    request: HttpRequest, actor: Actor, participation: Participation, form: PlanForm, status: int = 200, **extra: Any
) -> HttpResponse:
    context: dict[str, Any] = {
        "p": participation,
        "form": form,
        "framework": participation.round.framework,
        "can_save": actor.can(Action.SAVE_PLAN, participation.agency_id),
        "carried_costs": "",
        **extra,
    }
    return render(request, "planning/planner.html", context, status=status)


@participation_view
def planner(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    framework = participation.round.framework
    others = peers(participation)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, request.FILES or None, framework=framework, peers=others, initial=INITIAL)
    if data is None or not form.is_valid():
        return _page(request, actor, participation, form, status=400 if data is not None else 200)
    levels, filled = baseline_levels(participation, form.cleaned_data["baseline"], actor)
    per_indicator = form.cleaned_data["per_indicator"]
    carried = _costs_json(per_indicator) if per_indicator else ""
    try:
        result = plan(
            framework,
            levels,
            form.cleaned_data["target"],
            costs=CostModel(per_indicator=per_indicator),
            max_step=form.cleaned_data["max_step"],
            locked=form.cleaned_data["locked"],
        )
    except TargetUnreachable as error:
        return _page(request, actor, participation, form, unreachable=error.best, carried_costs=carried)
    except PlanInputError as error:  # the form checks every input first; this stays a refusal, never a 500
        form.add_error(None, str(error))
        return _page(request, actor, participation, form, status=400)
    owners = dict(
        IndicatorAssignment.objects.filter(participation=participation).values_list("indicator", "owner__name")
    )
    steps = result.roadmap()
    roadmap = [
        {
            "step": step,
            "indicator": framework.indicator(step.indicator),
            "criteria": framework.indicator(step.indicator).criteria_for(step.to_level),
            "rung": framework.ladder_of(step.indicator).name_of(step.to_level),
            "owner": owners.get(step.indicator, ""),
            "after": after,
        }
        for step, after in steps
    ]
    return _page(
        request,
        actor,
        participation,
        form,
        result=result,
        roadmap=roadmap,
        filled=filled,
        carried_costs=carried,
        carried_count=len(per_indicator),
        chart={
            "labels": [str(step.indicator) for step, _after in steps],
            "values": [float(after.index.exact) for _step, after in steps],
            "start": float(result.before.index.exact),
            "target": float(result.target),
        },
        save={
            "target": exact_str(result.target),
            "target_label": form.cleaned_data["target_label"],
            "baseline": form.cleaned_data["baseline"],
            "max_step": form.cleaned_data["max_step"] or "",
            "locked": ",".join(map(str, form.cleaned_data["locked"])),
            "costs_json": _costs_json(per_indicator),
        },
    )


@require_POST
@participation_view
def save(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    """Recompute the plan from the posted parameters (deterministic) and keep it under a name."""
    framework = participation.round.framework
    posted = SavePlanForm(request.POST, framework=framework)
    if not posted.is_valid():
        # The parameters are hidden fields written by the planner page: an invalid one was altered. Refuse it on the
        # planner page with what was wrong; nothing is saved.
        messages.error(request, _("The plan could not be read back; compute it again."))
        for message in [m for errors in posted.errors.as_data().values() for e in errors for m in e.messages][:5]:
            messages.error(request, message)
        form = PlanForm(framework=framework, peers=peers(participation), initial=INITIAL)
        return _page(request, actor, participation, form, status=400)
    data = posted.cleaned_data
    costs = data["costs_json"]
    try:
        levels, _filled = baseline_levels(participation, data["baseline"], actor)
        result = plan(
            framework,
            levels,
            data["target"],
            costs=CostModel(per_indicator=costs),
            max_step=data["max_step"],
            locked=data["locked"],
        )
        saved = services.save_plan(
            actor,
            participation,
            result,
            name=request.POST.get("name", ""),
            target_label=data["target_label"],
            baseline=data["baseline"],
            max_step=data["max_step"],
            locked=data["locked"],
            costs=costs,
        )
    except TargetUnreachable:
        messages.error(request, _("The target can no longer be reached; compute the plan again."))
        return redirect("planning:planner", participation.pk)
    except PlanInputError:  # the form checks every input first; this stays a refusal, never a 500
        messages.error(request, _("The plan could not be read back; compute it again."))
        return redirect("planning:planner", participation.pk)
    except ActionRefused as error:
        messages.error(request, error.message)
        return redirect("planning:planner", participation.pk)
    messages.success(request, _("Plan “%(name)s” saved.") % {"name": saved.name})
    return redirect("planning:plan", participation.pk, saved.pk)


@participation_view
def simulator(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    """Change levels by hand and watch the index, predicate and rank move (nothing is saved)."""
    framework = participation.round.framework
    baseline = request.GET.get("baseline", "current")
    if baseline not in BASELINES:
        baseline = "current"
    start, _filled = baseline_levels(participation, baseline, actor)
    levels = dict(start)
    problems: list[str] = []
    if request.method == "POST":
        for indicator in framework.indicators:
            raw = request.POST.get(f"level-{indicator.number}", "")
            if not raw:
                continue
            ladder = framework.ladder_of(indicator)
            if raw.isascii() and raw.isdigit() and len(raw) <= 3 and ladder.minimum <= int(raw) <= ladder.maximum:
                levels[indicator.number] = int(raw)
            else:
                problems.append(
                    _("Indicator %(n)s: the level must be a whole number from %(low)s to %(high)s.")
                    % {"n": indicator.number, "low": ladder.minimum, "high": ladder.maximum}
                )
    before, after = compute(framework, start), compute(framework, levels)
    others = peers(participation)
    context = {
        "p": participation,
        "framework": framework,
        "baseline": baseline,
        "levels": levels,
        "start": start,
        "before": before,
        "after": after,
        "rank_before": rank(before.index.exact, others, participation.agency_id) if others else None,
        "rank_after": rank(after.index.exact, others, participation.agency_id) if others else None,
        "changed": sorted(n for n in levels if levels[n] != start[n]),
        "problems": problems[:10],
    }
    status = 400 if problems else 200
    if request.headers.get("HX-Request") == "true":
        return render(request, "planning/_simulation.html", context, status=status)
    return render(request, "planning/simulator.html", context, status=status)
