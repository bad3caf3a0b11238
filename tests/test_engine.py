"""The engine against the regulation's worked examples, rounding edges and properties that must always hold."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indeks.core.engine import LevelsInvalid, compute, compute_many
from indeks.core.framework import Framework
from indeks.core.loader import builtin_ids, load_framework, validate_text
from indeks.core.numbers import round_half_up


def _levels(fw: Framework, **by_number: int) -> dict[int, int]:
    return {i.number: by_number.get(f"i{i.number}", 1) for i in fw.indicators}


def worked_example_levels(fw: Framework) -> dict[int, int]:
    """Levels that give the regulation's aspect and domain examples (Lampiran II.B.4) inside spbe-2020."""
    levels = {i.number: 3 for i in fw.indicators}
    levels.update({n: 4 for n in range(1, 8)})  # aspect 1 = domain 1 = (7x4 + 3x3)/10 = 3.70
    levels.update({11: 3, 12: 4, 13: 3, 14: 2})  # aspect 2 (3,4,3,2) -> 3.00
    levels.update({n: 4 for n in range(15, 19)})  # aspect 3 -> 4.00; aspect 4 = 3.00 -> domain 2 = 3.40
    return levels


def test_regulation_aspect_and_domain_examples(spbe2020: Framework) -> None:
    result = compute(spbe2020, worked_example_levels(spbe2020))
    assert result.aspect("2").exact == 3
    assert result.aspect("2").value == Decimal("3.00")
    assert result.domain("2").exact == Fraction("3.4")
    assert result.domain("1").value == Decimal("3.70")
    assert result.domain("3").value == Decimal("3.00")


def test_regulation_index_example() -> None:
    """Index with domains (3.70, 3.40, 3.00, 3.20) and the SPBE domain weights is 3.282, published 3.28.

    Domain 4 = 3.20 cannot come from whole levels with the 59/2020 indicator weights, so the domain values are
    produced by a framework with the same domain weights and simpler indicators below them.
    """
    text = _domains_only_framework()
    fw, problems = validate_text(text, "example.yaml")
    assert problems == []
    assert fw is not None
    levels = {n: (4 if n <= 7 else 3) for n in range(1, 11)}  # domain 1: 3.70
    levels.update({11: 4, 12: 4, 13: 3, 14: 3, 15: 3})  # domain 2: 17/5 = 3.40
    levels.update({16: 3})  # domain 3: 3.00
    levels.update({n: (4 if n <= 18 else 3) for n in range(17, 27)})  # domain 4: 32/10 = 3.20
    result = compute(fw, levels)
    assert [d.value for d in result.domains] == [Decimal(v) for v in ("3.70", "3.40", "3.00", "3.20")]
    assert result.index.exact == Fraction("3.282")
    assert result.index.value == Decimal("3.28")
    assert result.index.predicate.name == "Baik"


def _domains_only_framework() -> str:
    def indicators(first: int, count: int, weight: str) -> str:
        return "\n".join(
            f"          - {{number: {n}, name: I{n}, ladder: l, weight: {weight}}}" for n in range(first, first + count)
        )

    domains = [
        ("1", "13", 1, 10, "1.3"),
        ("2", "25", 11, 5, "5"),
        ("3", "16.5", 16, 1, "16.5"),
        ("4", "45.5", 17, 10, "4.55"),
    ]
    body = "\n".join(
        f'  - code: "{code}"\n    name: D{code}\n    weight: {w}\n    aspects:\n'
        f'      - code: "{code}"\n        name: A{code}\n        weight: {w}\n        indicators:\n'
        + indicators(first, count, iw)
        for code, w, first, count, iw in domains
    )
    return (
        "format: 1\nid: example\ntitle: Example\nlegal_basis: x\nstatus: provisional\neffective_rounds: [2021]\n"
        "index_name: Indeks SPBE\nsources: [{id: s, title: s, confidence: firm}]\n"
        "ladders: {l: {name: L, levels: [{level: 1, name: a}, {level: 2, name: b}, {level: 3, name: c},"
        " {level: 4, name: d}, {level: 5, name: e}]}}\n"
        "predicates: [{name: Kurang, min: 1, max: 1.8}, {name: Cukup, min: 1.8, max: 2.6},"
        " {name: Baik, min: 2.6, max: 3.5}, {name: Sangat Baik, min: 3.5, max: 4.2},"
        " {name: Memuaskan, min: 4.2, max: 5}]\n"
        f"domains:\n{body}\n"
    )


@pytest.mark.parametrize("framework_id", builtin_ids())
def test_all_minimum_and_all_maximum(framework_id: str) -> None:
    fw = load_framework(framework_id)
    low = compute(fw, {i.number: fw.ladder_of(i).minimum for i in fw.indicators})
    high = compute(fw, {i.number: fw.ladder_of(i).maximum for i in fw.indicators})
    assert low.index.exact == fw.min_level
    assert high.index.exact == fw.max_level
    assert high.index.value == Decimal(f"{fw.max_level}.00")
    assert low.index.predicate.name == "Kurang"
    assert high.index.predicate.name == "Memuaskan"
    for node in (*low.aspects, *low.domains):
        assert node.exact == fw.min_level


def test_all_level_one_is_one_all_five_is_five(spbe2020: Framework) -> None:
    assert compute(spbe2020, {i.number: 1 for i in spbe2020.indicators}).index.value == Decimal("1.00")
    assert compute(spbe2020, {i.number: 5 for i in spbe2020.indicators}).index.value == Decimal("5.00")


def _find_tie(fw: Framework, seed: int) -> dict[int, int]:
    """Levels whose exact index has a 5 in the third decimal and nothing after it (a true half-up tie)."""
    rng = random.Random(seed)
    while True:
        levels = {i.number: rng.randint(1, 5) for i in fw.indicators}
        exact = sum((lv * fw.indicator(n).weight for n, lv in levels.items()), Fraction(0)) / 100
        if (exact * 1000).denominator == 1 and (exact * 1000).numerator % 10 == 5:
            return levels


@pytest.mark.parametrize("seed", range(5))
def test_true_ties_round_up(spbe2020: Framework, seed: int) -> None:
    result = compute(spbe2020, _find_tie(spbe2020, seed))
    # The shown value lies exactly 0.005 above the exact one: the tie went up, not to even and not down.
    assert Fraction(result.index.value) - result.index.exact == Fraction(5, 1000)


def test_floats_would_get_some_ties_wrong(spbe2020: Framework) -> None:
    # A float chain (what spreadsheets-in-Python ports do) disagrees with the exact result on some true ties.
    wrong = 0
    for seed in range(40):
        levels = _find_tie(spbe2020, seed)
        as_float = sum(lv * float(spbe2020.indicator(n).weight) for n, lv in levels.items()) / 100
        if Decimal(str(round(as_float, 2))) != compute(spbe2020, levels).index.value:
            wrong += 1
    assert wrong > 0


def test_what_if_fills_missing_with_minimum(spbe2020: Framework) -> None:
    levels = {i.number: 3 for i in spbe2020.indicators if i.number not in (5, 40)}
    with pytest.raises(LevelsInvalid, match="missing indicators: 5, 40"):
        compute(spbe2020, levels)
    result = compute(spbe2020, levels, allow_missing=True)
    assert result.filled_in == (5, 40)
    assert result.levels[5] == 1
    assert result.levels[40] == 1
    full = compute(spbe2020, {**levels, 5: 1, 40: 1})
    assert result.index.exact == full.index.exact


def test_minimum_of_a_zero_ladder_is_zero() -> None:
    fw = load_framework("spbe-2018")
    result = compute(fw, {}, allow_missing=True)
    assert result.index.exact == 0
    assert len(result.filled_in) == 35


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({48: 3}, "indicator 48 is not in spbe-2020"),
        ({1: 6}, "indicator 1: level 6 is outside the ladder 1-5"),
        ({1: 0}, "indicator 1: level 0 is outside the ladder 1-5"),
        ({1: True}, "indicator 1: level True is outside the ladder 1-5"),
        ({1: 2.0}, "indicator 1: level 2.0 is outside the ladder 1-5"),
    ],
)
def test_bad_levels_are_refused(spbe2020: Framework, levels: dict[int, object], message: str) -> None:
    with pytest.raises(LevelsInvalid) as error:
        compute(spbe2020, levels, allow_missing=True)  # type: ignore[arg-type]
    assert error.value.problems == [message]


def test_every_problem_is_reported_at_once(spbe2020: Framework) -> None:
    with pytest.raises(LevelsInvalid) as error:
        compute(spbe2020, {1: 9, 2: 0, 99: 1})
    assert len(error.value.problems) == 4  # two bad levels, one unknown indicator, one line of missing ones


def test_compute_many_equals_compute(spbe2020: Framework) -> None:
    rng = random.Random(7)
    agencies = [{i.number: rng.randint(1, 5) for i in spbe2020.indicators} for _ in range(50)]
    many = compute_many(spbe2020, agencies)
    assert [r.index.exact for r in many] == [compute(spbe2020, a).index.exact for a in agencies]


def _level_strategy(fw: Framework) -> st.SearchStrategy[dict[int, int]]:
    return st.fixed_dictionaries(
        {i.number: st.integers(fw.ladder_of(i).minimum, fw.ladder_of(i).maximum) for i in fw.indicators}
    )


FRAMEWORKS = [load_framework(fid) for fid in builtin_ids()]


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=[fw.id for fw in FRAMEWORKS])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_properties(fw: Framework, data: st.DataObject) -> None:
    levels = data.draw(_level_strategy(fw))
    result = compute(fw, levels)
    # The index equals Σ level x weight / 100 (weights are % of the whole index).
    assert result.index.exact == sum((lv * fw.indicator(n).weight for n, lv in levels.items()), Fraction(0)) / 100
    # The regulation's chain: domain = Σ aspect x weight / domain weight; index = Σ domain x weight / 100.
    for domain, node in zip(fw.domains, result.domains, strict=True):
        parts = sum((result.aspect(a.code).exact * a.weight for a in domain.aspects), Fraction(0))
        assert node.exact == parts / domain.weight
    if fw.has_domains:
        assert (
            result.index.exact
            == sum((d.exact * w.weight for d, w in zip(result.domains, fw.domains, strict=False)), Fraction(0)) / 100
        )
    # Values stay within the ladder's range; the shown value is the half-up rounding of the exact one.
    for node in (result.index, *result.domains, *result.aspects):
        assert fw.min_level <= node.exact <= fw.max_level
        assert node.value == round_half_up(node.exact)
        assert abs(Fraction(node.value) - node.exact) <= Fraction(1, 200)
        assert node.predicate == fw.predicate_for(node.exact)
    # Raising any one level never lowers any value.
    raisable = [n for n, lv in levels.items() if lv < fw.ladder_of(n).maximum]
    if raisable:
        n = data.draw(st.sampled_from(raisable))
        raised = compute(fw, {**levels, n: levels[n] + 1})
        before = (result.index, *result.domains, *result.aspects)
        after = (raised.index, *raised.domains, *raised.aspects)
        assert all(b.exact <= a.exact for b, a in zip(before, after, strict=True))
        assert raised.index.exact > result.index.exact
