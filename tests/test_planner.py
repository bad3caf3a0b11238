"""The planner is optimal (checked against brute force), respects its constraints and explains failures."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indeks.core.engine import compute
from indeks.core.framework import Framework
from indeks.core.planner import CostModel, PlanInputError, TargetUnreachable, plan
from indeks.core.schema import FrameworkSpec

LADDER = {"name": "L", "levels": [{"level": n, "name": f"L{n}"} for n in range(1, 6)]}
BANDS = [
    {"name": "Kurang", "min": 1, "max": "1.8"},
    {"name": "Cukup", "min": "1.8", "max": "2.6"},
    {"name": "Baik", "min": "2.6", "max": "3.5"},
    {"name": "Sangat Baik", "min": "3.5", "max": "4.2"},
    {"name": "Memuaskan", "min": "4.2", "max": 5},
]


def small_framework(weights: list[list[Fraction]]) -> Framework:
    """A framework without domains whose aspects hold indicators of the given weights (summing to 100)."""
    aspects, number = [], 1
    for a, group in enumerate(weights, start=1):
        indicators = []
        for w in group:
            indicators.append({"number": number, "name": f"I{number}", "ladder": "l", "weight": str(w)})
            number += 1
        aspects.append({"code": str(a), "name": f"A{a}", "weight": str(sum(group)), "indicators": indicators})
    spec = FrameworkSpec.model_validate(
        {
            "format": 1,
            "id": "small",
            "title": "Small",
            "legal_basis": "test",
            "status": "provisional",
            "effective_rounds": [2030],
            "index_name": "Indeks",
            "sources": [{"id": "s", "title": "s", "confidence": "firm"}],
            "ladders": {"l": LADDER},
            "predicates": BANDS,
            "aspects": aspects,
        }
    )
    return Framework(spec)


@st.composite
def problems(draw: st.DrawFn) -> tuple[Framework, dict[int, int], Fraction, CostModel, int | None, set[int]]:
    count = draw(st.integers(2, 5))
    parts = draw(st.lists(st.integers(1, 9), min_size=count, max_size=count))
    # Weights with decimals that sum to exactly 100: a common scale, the remainder on the last one.
    raw = [Fraction(100 * p, sum(parts)).limit_denominator(20) for p in parts[:-1]]
    if sum(raw) >= 100:
        raw = [Fraction(100, count)] * (count - 1)
    weights = [*raw, 100 - sum(raw)]
    split = draw(st.integers(1, count - 1))
    fw = small_framework([weights[:split], weights[split:]])
    levels = {n: draw(st.integers(1, 5)) for n in range(1, count + 1)}
    per_indicator = {n: Fraction(draw(st.integers(0, 8)), 2) for n in range(1, count + 1) if draw(st.booleans())}
    per_step = {
        (n, lv): Fraction(draw(st.integers(0, 6)))
        for n in range(1, count + 1)
        for lv in range(2, 6)
        if draw(st.integers(0, 4)) == 0
    }
    max_step = draw(st.one_of(st.none(), st.integers(1, 3)))
    locked = {n for n in range(1, count + 1) if draw(st.integers(0, 5)) == 0}
    target = Fraction(draw(st.integers(100, 500)), 100)
    return fw, levels, target, CostModel(Fraction(1), per_indicator, per_step), max_step, locked


def brute_force(
    fw: Framework, levels: dict[int, int], target: Fraction, costs: CostModel, max_step: int | None, locked: set[int]
) -> tuple[Fraction, Fraction] | None:
    """(cost, resulting exact index) of the best plan by trying every combination, or None if unreachable."""
    choices = []
    for n in sorted(levels):
        room = 0 if n in locked else 5 - levels[n]
        if max_step is not None:
            room = min(room, max_step)
        choices.append([levels[n] + k for k in range(room + 1)])
    best: tuple[Fraction, Fraction] | None = None
    for combo in itertools.product(*choices):
        new = dict(zip(sorted(levels), combo, strict=True))
        index = compute(fw, new).index.exact
        if index < target:
            continue
        cost = sum(
            (costs.step_cost(n, lv) for n in new for lv in range(levels[n] + 1, new[n] + 1)),
            Fraction(0),
        )
        if best is None or cost < best[0] or (cost == best[0] and index > best[1]):
            best = (cost, index)
    return best


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_optimal_against_brute_force(case: tuple) -> None:
    fw, levels, target, costs, max_step, locked = case
    expected = brute_force(fw, levels, target, costs, max_step, locked)
    if expected is None:
        with pytest.raises(TargetUnreachable) as error:
            plan(fw, levels, target, costs=costs, max_step=max_step, locked=locked)
        assert error.value.best.index.exact < target
        return
    result = plan(fw, levels, target, costs=costs, max_step=max_step, locked=locked)
    assert (result.cost, result.after.index.exact) == expected
    # Constraints: levels only rise, within the ladder, by at most max-step, never on a locked indicator.
    for step in result.steps:
        assert levels[step.indicator] == step.from_level < step.to_level <= 5
        assert step.indicator not in locked
        if max_step is not None:
            assert step.to_level - step.from_level <= max_step
    assert result.after.index.exact >= target


def test_spbe_plan_reaches_target_with_steps_and_costs(spbe2020: Framework) -> None:
    levels = {i.number: 2 for i in spbe2020.indicators}
    result = plan(spbe2020, levels, Fraction("2.5"), max_step=1)
    assert result.before.index.exact == 2
    assert result.after.index.exact >= Fraction("2.5")
    # 2.00 -> 2.50 needs 50 points of weight at one level each: the six 3.00 and ten 2.75 indicators give 45.5
    # in 16 steps, and two more steps (2.50 each) are unavoidable: 18 is the minimum.
    assert result.cost == 18
    assert all(step.to_level == 3 for step in result.steps)
    roadmap = result.roadmap()
    assert [r.index.exact for _, r in roadmap] == sorted(r.index.exact for _, r in roadmap)
    assert roadmap[-1][1].index.exact == result.after.index.exact


def test_target_already_met_needs_nothing(spbe2020: Framework) -> None:
    levels = {i.number: 4 for i in spbe2020.indicators}
    result = plan(spbe2020, levels, Fraction("3.5"))
    assert result.steps == ()
    assert result.cost == 0


def test_unreachable_target_reports_best(spbe2020: Framework) -> None:
    levels = {i.number: 2 for i in spbe2020.indicators}
    with pytest.raises(TargetUnreachable) as error:
        plan(spbe2020, levels, Fraction("4.2"), max_step=1)
    assert error.value.best.index.exact == 3
    with pytest.raises(TargetUnreachable):
        plan(spbe2020, levels, Fraction("5.01"))


def test_locked_indicators_never_move(spbe2020: Framework) -> None:
    levels = {i.number: 1 for i in spbe2020.indicators}
    locked = set(range(32, 48))
    result = plan(spbe2020, levels, Fraction("2"), locked=locked)
    assert not {s.indicator for s in result.steps} & locked


def test_cost_per_target_level(spbe2020: Framework) -> None:
    levels = {i.number: 3 for i in spbe2020.indicators}
    # Make the 4 -> 5 step of indicator 42 free: the plan to 3.03 takes it (gain 2 x 3.00 = 0.06).
    costs = CostModel(per_step={(42, 5): Fraction(0), (42, 4): Fraction(0)})
    result = plan(spbe2020, levels, Fraction("3.03"), costs=costs)
    assert result.cost == 0
    assert [(s.indicator, s.to_level) for s in result.steps] == [(42, 5)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"costs": CostModel(default=Fraction(-1))}, "negative"),
        ({"locked": [99]}, "locked indicators not in spbe-2020: 99"),
        ({"max_step": 0}, "max-step must be at least 1"),
    ],
)
def test_bad_inputs(spbe2020: Framework, kwargs: dict, message: str) -> None:
    levels = {i.number: 2 for i in spbe2020.indicators}
    with pytest.raises(PlanInputError, match=message):
        plan(spbe2020, levels, Fraction(3), **kwargs)


def test_national_agenda_counts_agencies_per_indicator(spbe2020: Framework) -> None:
    from indeks.core.planner import national_agenda

    low = {i.number: 1 for i in spbe2020.indicators}
    high = {i.number: 4 for i in spbe2020.indicators}
    middle = {**low, **{n: 3 for n in range(1, 32)}}
    agenda = national_agenda(spbe2020, [low, high, middle], Fraction("2.6"), max_step=2)
    assert (agenda.agencies, agenda.already, agenda.unreachable) == (3, 1, 0)
    expected: dict[int, int] = {}
    for levels in (low, middle):
        for step in plan(spbe2020, levels, Fraction("2.6"), max_step=2).steps:
            expected[step.indicator] = expected.get(step.indicator, 0) + 1
    assert {item.indicator: item.agencies for item in agenda.items} == expected
    assert [i.agencies for i in agenda.items] == sorted((i.agencies for i in agenda.items), reverse=True)
    unreachable = national_agenda(spbe2020, [low], Fraction("4.5"), max_step=1)
    assert unreachable.unreachable == 1
    assert unreachable.items == ()
