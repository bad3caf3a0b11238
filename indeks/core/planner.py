"""The improvement planner: the cheapest set of level raises that lifts an agency's index to a target.

The problem is a multiple-choice knapsack: every indicator picks how many levels to rise (0 .. its room, at most
``max_step``), each choice has a gain (levels x integer weight) and a cost (the sum of its steps' costs), and the
total gain must reach what the target needs. It is solved exactly by dynamic programming over the exact gain,
on integers: the engine's integer weights divided by their greatest common divisor give a small state space
(8,000 states for the 47 SPBE indicators), and costs are scaled to integers by their common denominator. Among
equally cheap plans the one with the higher resulting index wins, because the final choice takes the largest
gain among the cheapest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from indeks.core.engine import IndexResult, _compile, compute
from indeks.core.framework import Framework

_INF = np.iinfo(np.int64).max // 4


class PlanInputError(ValueError):
    """The planner's inputs are inconsistent (negative cost, unknown indicator, bad max-step)."""


class TargetUnreachable(Exception):
    """No plan within the constraints reaches the target; ``best`` is the highest index that can be reached."""

    def __init__(self, target: Fraction, best: IndexResult) -> None:
        self.target = target
        self.best = best
        super().__init__(f"target {target} cannot be reached; best reachable index {best.index.exact}")


@dataclass(frozen=True)
class CostModel:
    """Effort of raising an indicator one level: a default, per indicator, or per indicator and target level."""

    default: Fraction = Fraction(1)
    per_indicator: Mapping[int, Fraction] = field(default_factory=dict)
    per_step: Mapping[tuple[int, int], Fraction] = field(default_factory=dict)

    def step_cost(self, number: int, to_level: int) -> Fraction:
        """The cost of the step of indicator ``number`` that reaches ``to_level``."""
        if (number, to_level) in self.per_step:
            return self.per_step[(number, to_level)]
        return self.per_indicator.get(number, self.default)

    def check(self) -> None:
        """Refuse negative costs (a plan could then profit from pointless raises)."""
        costs = [self.default, *self.per_indicator.values(), *self.per_step.values()]
        if any(cost < 0 for cost in costs):
            raise PlanInputError("costs cannot be negative")


@dataclass(frozen=True)
class Step:
    """Raise one indicator from one level to another, at a cost."""

    indicator: int
    from_level: int
    to_level: int
    cost: Fraction


@dataclass(frozen=True)
class Plan:
    """An optimal plan: the steps, their total cost, the values before and after."""

    framework: Framework
    target: Fraction
    steps: tuple[Step, ...]
    cost: Fraction
    before: IndexResult
    after: IndexResult

    def roadmap(self) -> list[tuple[Step, IndexResult]]:
        """The steps in a sensible order (most index gained per unit of effort first) with the values after each."""
        fw = self.framework

        def efficiency(step: Step) -> Fraction:
            gain = (step.to_level - step.from_level) * fw.indicator(step.indicator).weight
            return gain / step.cost if step.cost else Fraction(10**9)

        levels = dict(self.before.levels)
        out = []
        for step in sorted(self.steps, key=lambda s: (-efficiency(s), s.indicator)):
            levels[step.indicator] = step.to_level
            out.append((step, compute(fw, levels)))
        return out


def _options(
    fw: Framework, levels: Mapping[int, int], costs: CostModel, max_step: int | None, locked: set[int]
) -> list[list[tuple[int, Fraction]]]:
    """Per indicator (engine order), the (levels raised, cost) choices allowed."""
    compiled = _compile(fw)
    options = []
    for number, high in zip(compiled.numbers, compiled.high, strict=True):
        current = levels[number]
        room = 0 if number in locked else high - current
        if max_step is not None:
            room = min(room, max_step)
        choice, total = [(0, Fraction(0))], Fraction(0)
        for k in range(1, room + 1):
            total += costs.step_cost(number, current + k)
            choice.append((k, total))
        options.append(choice)
    return options


def plan(
    fw: Framework,
    levels: Mapping[int, int],
    target: Fraction,
    *,
    costs: CostModel | None = None,
    max_step: int | None = None,
    locked: Iterable[int] = (),
) -> Plan:
    """The cheapest raises that make the exact index at least ``target``.

    Raises :class:`TargetUnreachable` (with the best reachable result) when the constraints do not allow it,
    :class:`PlanInputError` for inconsistent inputs, and the engine's ``LevelsInvalid`` for bad levels.
    """
    costs = costs or CostModel()
    costs.check()
    locked_set = set(locked)
    unknown = sorted(n for n in locked_set if not fw.has_indicator(n))
    if unknown:
        raise PlanInputError(f"locked indicators not in {fw.id}: {', '.join(map(str, unknown))}")
    if max_step is not None and max_step < 1:
        raise PlanInputError("max-step must be at least 1")
    before = compute(fw, levels)
    compiled = _compile(fw)
    divisor = math.gcd(*compiled.weights)
    weights = [w // divisor for w in compiled.weights]
    total = compiled.total // divisor
    current = sum(before.levels[n] * w for n, w in zip(compiled.numbers, weights, strict=True))
    # A target already met still runs the search: free steps (cost 0) raise the index at no cost.
    need = max(math.ceil(target * total - current), 0)

    options = _options(fw, before.levels, costs, max_step, locked_set)
    cost_scale = math.lcm(*(c.denominator for choice in options for _, c in choice))
    max_gain = sum(choice[-1][0] * w for choice, w in zip(options, weights, strict=True))
    if max_gain < need:
        best = {n: before.levels[n] + choice[-1][0] for n, choice in zip(compiled.numbers, options, strict=True)}
        raise TargetUnreachable(target, compute(fw, best))

    picks = _solve(options, weights, cost_scale, max_gain)
    reachable = picks[0]
    candidates = np.flatnonzero(reachable[need:] < _INF) + need
    cheapest = reachable[candidates].min()
    gain = int(candidates[reachable[candidates] == cheapest].max())

    steps, after = [], dict(before.levels)
    for position in range(len(options) - 1, -1, -1):
        k = int(picks[position + 1][gain])
        gain -= k * weights[position]
        if k:
            number = compiled.numbers[position]
            step_cost = dict(options[position])[k]
            steps.append(Step(number, before.levels[number], before.levels[number] + k, step_cost))
            after[number] += k
    steps.sort(key=lambda s: s.indicator)
    return Plan(fw, target, tuple(steps), sum((s.cost for s in steps), Fraction(0)), before, compute(fw, after))


def _solve(
    options: list[list[tuple[int, Fraction]]], weights: list[int], cost_scale: int, max_gain: int
) -> list[npt.NDArray[np.int64]]:
    """DP over exact gain. Returns [final costs by gain, then per indicator the levels chosen at each gain]."""
    best = np.full(max_gain + 1, _INF, dtype=np.int64)
    best[0] = 0
    choices: list[npt.NDArray[np.int64]] = []
    for choice, weight in zip(options, weights, strict=True):
        new = np.full_like(best, _INF)
        picked = np.zeros(max_gain + 1, dtype=np.int64)
        for k, cost in choice:
            shift = k * weight
            scaled = int(cost * cost_scale)
            if scaled >= _INF // 2:
                raise PlanInputError("costs are too large to plan with")
            candidate = best[: max_gain + 1 - shift] + scaled
            window = new[shift:]
            better = candidate < window
            window[better] = candidate[better]
            picked[shift:][better] = k
        np.minimum(new, _INF, out=new)
        best = new
        choices.append(picked)
    return [best, *choices]


@dataclass(frozen=True)
class AgendaItem:
    """How often one indicator is part of the agencies' optimal plans."""

    indicator: int
    agencies: int
    levels: int


@dataclass(frozen=True)
class Agenda:
    """The national improvement agenda: which indicators would lift the most agencies to a target."""

    target: Fraction
    agencies: int
    already: int
    unreachable: int
    items: tuple[AgendaItem, ...]


def national_agenda(
    fw: Framework,
    agencies: Iterable[Mapping[int, int]],
    target: Fraction,
    *,
    costs: CostModel | None = None,
    max_step: int | None = None,
) -> Agenda:
    """Plan every agency to ``target`` and count, per indicator, the agencies whose optimal plan raises it.

    Agencies already at the target count in ``already``; those that cannot reach it under the constraints in
    ``unreachable``. Items are sorted by the number of agencies, then by the levels raised in all.
    """
    counts: dict[int, int] = {}
    levels: dict[int, int] = {}
    total = already = unreachable = 0
    for agency in agencies:
        total += 1
        try:
            result = plan(fw, agency, target, costs=costs, max_step=max_step)
        except TargetUnreachable:
            unreachable += 1
            continue
        if not result.steps:
            already += 1
        for step in result.steps:
            counts[step.indicator] = counts.get(step.indicator, 0) + 1
            levels[step.indicator] = levels.get(step.indicator, 0) + step.to_level - step.from_level
    items = sorted(
        (AgendaItem(n, counts[n], levels[n]) for n in counts), key=lambda i: (-i.agencies, -i.levels, i.indicator)
    )
    return Agenda(target, total, already, unreachable, tuple(items))
