"""The roadmap to a target and the what-if simulator."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indeks.assessment.models import IndicatorAssignment
from indeks.assessment.views.common import participation_view
from indeks.core.engine import compute
from indeks.core.numbers import exact_str, parse_exact
from indeks.core.planner import CostModel, TargetUnreachable, plan
from indeks.core.tables import LevelsFileError, read_costs
from indeks.errors import ActionRefused
from indeks.planning import services
from indeks.planning.forms import PlanForm
from indeks.planning.selectors import BASELINES, baseline_levels, peers, rank
from indeks.registry.access import Action, Actor
from indeks.rounds.models import Participation


def _costs(form: PlanForm, framework: Any) -> tuple[CostModel, dict[int, Fraction]]:
    """Costs from an uploaded file, or carried over (as JSON) from the previous computation."""
    upload = form.cleaned_data.get("costs")
    if upload:
        per_indicator, per_step = read_costs(Path(upload.name), framework, upload.read())
        if per_step:
            raise LevelsFileError(
                [_("Costs per level are supported by the command line only; give one cost per indicator.")]
            )
        return CostModel(per_indicator=per_indicator), per_indicator
    carried = json.loads(form.cleaned_data.get("costs_json") or "{}")
    per_indicator = {int(n): parse_exact(c) for n, c in carried.items()}
    return CostModel(per_indicator=per_indicator), per_indicator


@participation_view
def planner(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    framework = participation.round.framework
    others = peers(participation)
    data = request.POST if request.method == "POST" else None
    initial = {"target_kind": "predicate", "baseline": "current", "max_step": 1}
    form = PlanForm(data, request.FILES or None, framework=framework, peers=others, initial=initial)
    context: dict[str, Any] = {
        "p": participation,
        "form": form,
        "framework": framework,
        "can_save": actor.can(Action.SAVE_PLAN, participation.agency_id),
    }
    if data is not None and form.is_valid():
        levels, filled = baseline_levels(participation, form.cleaned_data["baseline"], actor)
        try:
            cost_model, per_indicator = _costs(form, framework)
            result = plan(
                framework,
                levels,
                form.cleaned_data["target"],
                costs=cost_model,
                max_step=form.cleaned_data["max_step"],
                locked=form.cleaned_data["locked"],
            )
        except LevelsFileError as error:
            for problem in error.problems[:20]:
                form.add_error("costs", problem)
        except TargetUnreachable as error:
            context["unreachable"] = error.best
        else:
            owners = dict(
                IndicatorAssignment.objects.filter(participation=participation).values_list("indicator", "owner__name")
            )
            roadmap: list[dict[str, Any]] = [
                {
                    "step": step,
                    "indicator": framework.indicator(step.indicator),
                    "criteria": framework.indicator(step.indicator).criteria_for(step.to_level),
                    "rung": framework.ladder_of(step.indicator).name_of(step.to_level),
                    "owner": owners.get(step.indicator, ""),
                    "after": after,
                }
                for step, after in result.roadmap()
            ]
            context.update(
                result=result,
                roadmap=roadmap,
                filled=filled,
                chart={
                    "labels": [str(r["step"].indicator) for r in roadmap],
                    "values": [float(r["after"].index.exact) for r in roadmap],
                    "start": float(result.before.index.exact),
                    "target": float(result.target),
                },
                save={
                    "target": exact_str(result.target),
                    "target_label": form.cleaned_data["target_label"],
                    "baseline": form.cleaned_data["baseline"],
                    "max_step": form.cleaned_data["max_step"] or "",
                    "locked": ",".join(map(str, form.cleaned_data["locked"])),
                    "costs_json": json.dumps({str(n): exact_str(c, min_places=0) for n, c in per_indicator.items()}),
                },
            )
    return render(request, "planning/planner.html", context, status=400 if data is not None and form.errors else 200)


@require_POST
@participation_view
def save(request: HttpRequest, actor: Actor, participation: Participation) -> HttpResponse:
    """Recompute the plan from the posted parameters (deterministic) and keep it under a name."""
    framework = participation.round.framework
    post = request.POST
    try:
        target = parse_exact(post.get("target", ""))
        baseline = post.get("baseline", "current")
        if baseline not in BASELINES:
            raise ValueError(baseline)
        max_step = int(post["max_step"]) if post.get("max_step") else None
        locked = [int(n) for n in post.get("locked", "").split(",") if n]
        costs = {int(n): parse_exact(c) for n, c in json.loads(post.get("costs_json") or "{}").items()}
        levels, _filled = baseline_levels(participation, baseline, actor)
        result = plan(framework, levels, target, costs=CostModel(per_indicator=costs), max_step=max_step, locked=locked)
        saved = services.save_plan(
            actor,
            participation,
            result,
            name=post.get("name", ""),
            target_label=post.get("target_label", ""),
            baseline=baseline,
            max_step=max_step,
            locked=locked,
            costs=costs,
        )
    except (ValueError, KeyError, json.JSONDecodeError):
        messages.error(request, _("The plan could not be read back; compute it again."))
        return redirect("planning:planner", participation.pk)
    except TargetUnreachable:
        messages.error(request, _("The target can no longer be reached; compute the plan again."))
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
    if request.method == "POST":
        for indicator in framework.indicators:
            raw = request.POST.get(f"level-{indicator.number}", "")
            ladder = framework.ladder_of(indicator)
            if raw.isdigit() and ladder.minimum <= int(raw) <= ladder.maximum:
                levels[indicator.number] = int(raw)
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
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "planning/_simulation.html", context)
    return render(request, "planning/simulator.html", context)
