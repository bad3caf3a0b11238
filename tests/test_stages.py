"""Stage resolution: last stage that set a level wins, carry-forward, a review correction always wins."""

from __future__ import annotations

import random

from indeks.core.engine import compute
from indeks.core.framework import Framework
from indeks.core.stages import Resolution, Stage, compute_round, effective_levels, resolve_agency, resolve_indicator


def test_last_stage_that_set_a_level_wins() -> None:
    by_stage = {Stage.MANDIRI: 4, Stage.DOKUMEN: 3, Stage.INTERVIU: None, Stage.VISITASI: None}
    assert resolve_indicator(by_stage) == Resolution(3, Stage.DOKUMEN)


def test_correction_wins_over_every_stage() -> None:
    by_stage = {Stage.MANDIRI: 4, Stage.DOKUMEN: 3, Stage.INTERVIU: 4, Stage.VISITASI: 5, Stage.REVIU: 2}
    assert resolve_indicator(by_stage) == Resolution(2, Stage.REVIU)


def test_order_is_the_round_order_not_the_mapping_order() -> None:
    by_stage = {Stage.REVIU: None, Stage.VISITASI: 2, Stage.MANDIRI: 5}
    assert resolve_indicator(by_stage) == Resolution(2, Stage.VISITASI)


def test_upto_gives_the_value_as_it_stood_at_a_stage() -> None:
    by_stage = {Stage.MANDIRI: 4, Stage.DOKUMEN: 3, Stage.REVIU: 2}
    assert resolve_indicator(by_stage, upto=Stage.MANDIRI) == Resolution(4, Stage.MANDIRI)
    assert resolve_indicator(by_stage, upto=Stage.VISITASI) == Resolution(3, Stage.DOKUMEN)
    assert resolve_indicator({}, upto=Stage.REVIU) is None


def test_carry_forward_per_agency() -> None:
    by_stage = {
        Stage.MANDIRI: {1: 4, 2: 4, 3: 2},
        Stage.DOKUMEN: {1: 3, 2: 3, 3: 2},
        Stage.INTERVIU: {2: 4},  # only indicator 2 was clarified
        Stage.REVIU: {3: 1, 1: None},
    }
    resolved = resolve_agency(by_stage)
    assert resolved == {
        1: Resolution(3, Stage.DOKUMEN),
        2: Resolution(4, Stage.INTERVIU),
        3: Resolution(1, Stage.REVIU),
    }
    assert effective_levels(by_stage) == {n: r.level for n, r in resolved.items()}


def test_compute_round(spbe2020: Framework) -> None:
    rng = random.Random(3)
    agencies = {}
    for code in ("3171", "3273", "5171"):
        mandiri = {i.number: rng.randint(2, 5) for i in spbe2020.indicators}
        dokumen = {n: max(1, lv - rng.randint(0, 1)) for n, lv in mandiri.items()}
        agencies[code] = {Stage.MANDIRI: mandiri, Stage.DOKUMEN: dokumen, Stage.REVIU: {1: 1}}
    final = compute_round(spbe2020, agencies)
    self_assessed = compute_round(spbe2020, agencies, upto=Stage.MANDIRI)
    for code, stages in agencies.items():
        expected = {**stages[Stage.DOKUMEN], 1: 1}
        assert final[code].index.exact == compute(spbe2020, expected).index.exact
        assert self_assessed[code].index.exact == compute(spbe2020, stages[Stage.MANDIRI]).index.exact
        assert final[code].index.exact <= self_assessed[code].index.exact
