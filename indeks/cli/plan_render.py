"""Writing an improvement plan: the Indonesian table for people, the JSON contract for programs."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from indeks.core.numbers import exact_str, round_half_up, to_indonesian
from indeks.core.planner import Plan


def _number(value: Fraction) -> str:
    return exact_str(value, min_places=0)


def plan_json(plan: Plan) -> dict[str, Any]:
    """The `indeks plan --format json` object."""
    index = plan.after.index
    return {
        "framework": plan.framework.id,
        "target": exact_str(plan.target),
        "cost": _number(plan.cost),
        "steps": [
            {"indicator": str(s.indicator), "from": s.from_level, "to": s.to_level, "cost": _number(s.cost)}
            for s in plan.steps
        ],
        "index": {
            "exact": exact_str(index.exact),
            "value": format(index.value, "f"),
            "predicate": index.predicate.name,
        },
    }


def render_plan_json(plan: Plan) -> str:
    """One JSON object."""
    return json.dumps(plan_json(plan), ensure_ascii=False, indent=2)


def render_plan_table(plan: Plan) -> str:
    """The roadmap: each step with its cost and the index after it, in Indonesian notation."""
    fw = plan.framework
    before, after = plan.before.index, plan.after.index
    target = to_indonesian(round_half_up(plan.target, fw.places))
    lines = [
        f"Rencana peningkatan / improvement plan — {fw.spec.index_name} [{fw.id}]",
        f"Target: {to_indonesian(exact_str(plan.target))} (≥ {target}, {fw.predicate_for(plan.target).display_name})",
        f"Sekarang / now: {to_indonesian(before.value)} {before.predicate.display_name}"
        f"  →  sesudah / after: {to_indonesian(after.value)} {after.predicate.display_name}"
        f" (tepat / exact {to_indonesian(exact_str(after.exact))})",
        f"Total biaya / cost: {to_indonesian(_number(plan.cost))}",
        "",
    ]
    if not plan.steps:
        lines.append("Target sudah tercapai; tidak ada langkah / target already met, no steps.")
        return "\n".join(lines)
    lines.append(f"{'No':>3}  {'Indikator':<60} {'Tingkat':>9} {'Biaya':>7} {'Indeks':>8}")
    for k, (step, result) in enumerate(plan.roadmap(), start=1):
        name = f"{step.indicator}. {fw.indicator(step.indicator).name}"
        name = name if len(name) <= 60 else name[:59] + "…"
        levels = f"{step.from_level} → {step.to_level}"
        cost = to_indonesian(_number(step.cost))
        lines.append(f"{k:>3}  {name:<60} {levels:>9} {cost:>7} {to_indonesian(result.index.value):>8}")
    return "\n".join(lines)
