"""Indicators answered with values: exact arithmetic, half-up only at display, parts, external indices, items."""

from __future__ import annotations

import csv
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indeks.core.engine import LevelsInvalid, compute, compute_many
from indeks.core.framework import Framework
from indeks.core.items import ItemsInvalid, Verdict, accepted_level, effective_verdicts, propose_value
from indeks.core.loader import load_framework, validate_text
from indeks.core.numbers import round_half_up
from indeks.core.stages import Stage, compute_round, effective_levels, resolve_indicator
from tests.conftest import VALUES_FRAMEWORK

DATA = Path(__file__).parent / "data"
A, R, N = Verdict.ACCEPTED, Verdict.NOT_APPROPRIATE, Verdict.NOT_UPLOADED


@pytest.fixture(scope="module")
def pemdi() -> Framework:
    return load_framework("pemdi-2026")


@pytest.fixture(scope="module")
def mini() -> Framework:
    fw, problems = validate_text(VALUES_FRAMEWORK, "mini.yaml", "mini")
    assert problems == []
    assert fw is not None
    return fw


def _all(fw: Framework, value: object) -> dict[int, object]:
    return {i.number: value for i in fw.indicators}


# --- exact values, half-up at display only ---------------------------------------------------------------------


def test_a_value_is_kept_exactly_as_written(pemdi: Framework) -> None:
    # A tool that keeps 1,1667 must not see it become 1,17 before the sums.
    answers = _all(pemdi, Decimal("1.1667"))
    result = compute(pemdi, answers)  # type: ignore[arg-type]
    assert result.values[1] == Fraction(11667, 10000)
    assert result.index.exact == Fraction(11667, 10000)
    assert result.index.value == Decimal("1.17")
    assert result.levels[1] == 1
    assert result.show(1) == "Level 1 · 1,17"


def test_a_share_of_items_stays_an_exact_fraction(pemdi: Framework) -> None:
    # Aspect 1 = (I1 + I2) / 2. I1 = 1.50 + 1/3 of band 2 = 11/6 (1.8333...), I2 = 2.1767.
    answers: dict[int, object] = {n: 1 for n in range(3, 21)}
    answers.update({1: Fraction(11, 6), 2: Decimal("2.1767")})
    result = compute(pemdi, answers)  # type: ignore[arg-type]
    aspect = result.aspect("1")
    assert aspect.exact == (Fraction(11, 6) + Fraction("2.1767")) / 2
    assert aspect.value == Decimal("2.01")  # 2.0050166...
    # Had I1 been rounded to 1.83 first, the aspect would show 2.00: the error the issue names.
    assert round_half_up((Fraction("1.83") + Fraction("2.1767")) / 2) == Decimal("2.00")
    assert result.show(1) == "Level 2 · 1,83"


def test_a_true_tie_rounds_up_at_display(pemdi: Framework) -> None:
    answers: dict[int, object] = dict(_all(pemdi, 1))
    answers.update({1: Decimal("2.125"), 2: Decimal("2.125")})
    result = compute(pemdi, answers)  # type: ignore[arg-type]
    assert result.aspect("1").exact == Fraction("2.125")
    assert result.aspect("1").value == Decimal("2.13")
    assert result.show(1) == "Level 2 · 2,13"


def test_whole_numbers_answer_a_value_framework_as_before(pemdi: Framework) -> None:
    # The apps pass whole levels today: 3 for every indicator is the value 3.00 (CLI contract test: index 3.00 Baik).
    result = compute(pemdi, _all(pemdi, 3))  # type: ignore[arg-type]
    assert result.index.exact == 3
    assert result.index.predicate.display_name == "Baik (Berkembang)"
    assert result.levels == dict.fromkeys(range(1, 21), 3)
    assert result.values[7] == 3
    assert result.pending == ()


def test_value_bands_decide_the_level(pemdi: Framework) -> None:
    # shared_edge: lower_band: a completed level is the top of its band.
    cases = [("1.00", 1), ("1.50", 1), ("1.51", 2), ("2.50", 2), ("2.5001", 3), ("4.00", 4), ("4.01", 5), ("5", 5)]
    for raw, level in cases:
        assert pemdi.level_of_value(1, Fraction(raw)) == level, raw
    assert pemdi.show_value(1, Fraction("1.75")) == "Level 2 · 1,75"
    assert pemdi.show_value(1, Fraction(7, 3)) == "Level 2 · 2,33"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Decimal("5.01"), "indicator 1: value 5.01 is outside the range 1-5"),
        (Fraction(1, 2), "indicator 1: value 0.5 is outside the range 1-5"),
        (0, "indicator 1: value 0 is outside the range 1-5"),
        (1.75, "indicator 1: value 1.75 is not an exact number (write it as a decimal)"),
        (True, "indicator 1: value True is not an exact number (write it as a decimal)"),
        ((1, 2), "indicator 1 is answered with one value, not with parts"),
        (Decimal("NaN"), "indicator 1: value Decimal('NaN') is not an exact number (write it as a decimal)"),
    ],
)
def test_bad_values_are_refused(pemdi: Framework, answer: object, message: str) -> None:
    with pytest.raises(LevelsInvalid) as error:
        compute(pemdi, {1: answer}, allow_missing=True)  # type: ignore[dict-item]
    assert error.value.problems == [message]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Fraction(7, 4), "indicator 1 is answered with a whole level on the ladder 1-5, not a value (7/4)"),
        (Decimal("2.5"), "indicator 1 is answered with a whole level on the ladder 1-5, not a value (2.5)"),
        ((1, 2, 3), "indicator 1 has no parts: answer it with one level"),
    ],
)
def test_a_value_where_a_level_is_needed_is_refused(spbe2020: Framework, answer: object, message: str) -> None:
    with pytest.raises(LevelsInvalid) as error:
        compute(spbe2020, {1: answer}, allow_missing=True)  # type: ignore[dict-item]
    assert error.value.problems == [message]


def test_a_whole_fraction_is_a_level(spbe2020: Framework) -> None:
    as_int = compute(spbe2020, _all(spbe2020, 3))  # type: ignore[arg-type]
    as_fraction = compute(spbe2020, _all(spbe2020, Fraction(3)))  # type: ignore[arg-type]
    assert as_fraction.index.exact == as_int.index.exact
    assert as_fraction.levels == as_int.levels


def _value_strategy(fw: Framework) -> st.SearchStrategy[dict[int, Fraction]]:
    def one(number: int) -> st.SearchStrategy[Fraction]:
        scale = fw.value_scale(number)
        assert scale is not None
        hundredths = st.integers(int(scale.min * 100), int(scale.max * 100)).map(lambda k: Fraction(k, 100))
        exact = st.fractions(scale.min, scale.max, max_denominator=60)
        return st.one_of(hundredths, exact)

    return st.fixed_dictionaries({i.number: one(i.number) for i in fw.indicators})


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_value_properties(data: st.DataObject) -> None:
    fw = load_framework("pemdi-2026")
    values = data.draw(_value_strategy(fw))
    result = compute(fw, values)  # type: ignore[arg-type]
    assert result.values == values
    assert result.index.exact == sum((v * fw.indicator(n).weight for n, v in values.items()), Fraction(0)) / 100
    for aspect, node in zip(fw.aspects, result.aspects, strict=True):
        weighted = sum((values[i.number] * i.weight for i in aspect.indicators), Fraction(0))
        assert node.exact == weighted / aspect.weight
    assert (
        result.index.exact
        == sum((a.exact * w.weight for a, w in zip(result.aspects, fw.aspects, strict=True)), Fraction(0)) / 100
    )
    for node in (result.index, *result.aspects):
        assert 1 <= node.exact <= 5
        assert node.value == round_half_up(node.exact)
        assert abs(Fraction(node.value) - node.exact) <= Fraction(1, 200)
        assert node.predicate == fw.predicate_for(node.exact)
    for number, value in values.items():
        band = fw.band(number, result.levels[number])
        assert band.min <= value <= band.max
    # Raising one value never lowers anything; the index rises.
    n = data.draw(st.sampled_from(sorted(values)))
    if values[n] < 5:
        raised = compute(fw, {**values, n: min(Fraction(5), values[n] + Fraction(1, 7))})  # type: ignore[dict-item]
        assert all(b.exact <= a.exact for b, a in zip(result.aspects, raised.aspects, strict=True))
        assert raised.index.exact > result.index.exact


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_levels_give_the_same_results_on_both_paths(data: st.DataObject) -> None:
    # Whole levels as ints take the integer fast path; the same levels as Fractions take the general path.
    fw = load_framework("spbe-2020")
    levels = data.draw(st.fixed_dictionaries({i.number: st.integers(1, 5) for i in fw.indicators}))
    fast = compute(fw, levels)
    general = compute(fw, {n: Fraction(lv) for n, lv in levels.items()})  # type: ignore[misc]
    for a, b in zip(
        (fast.index, *fast.domains, *fast.aspects), (general.index, *general.domains, *general.aspects), strict=True
    ):
        assert (a.exact, a.value, a.predicate) == (b.exact, b.value, b.predicate)
    assert fast.levels == general.levels


# --- spbe-2018 indicator 35: the mean of three public services -------------------------------------------------


def _denpasar() -> dict[int, int | tuple[int, ...]]:
    answers: dict[int, int | tuple[int, ...]] = {}
    services: list[int] = []
    with (DATA / "denpasar-2018-levels.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["indicator"].startswith("35-"):
                services.append(int(row["level"]))
            else:
                answers[int(row["indicator"])] = int(row["level"])
    answers[35] = tuple(services)
    return answers


def test_parts_give_the_exact_mean() -> None:
    fw = load_framework("spbe-2018")
    answers = _denpasar()
    assert answers[35] == (1, 3, 3)
    result = compute(fw, answers)  # type: ignore[arg-type]
    assert result.values[35] == Fraction(7, 3)
    assert result.parts == {35: (1, 3, 3)}
    assert result.levels[35] == 2
    assert result.show(35) == "2,33"
    assert result.aspect("7").exact == Fraction(15, 6)
    # The mean may be given as such, and one level stands for all three services (what the apps pass today).
    assert compute(fw, {**answers, 35: Fraction(7, 3)}).index.exact == result.index.exact  # type: ignore[dict-item]
    same = compute(fw, {**answers, 35: 3})  # type: ignore[dict-item]
    assert same.values[35] == 3
    assert same.aspect("7").exact == (3 + 2 + 3 + 3 * 3) * Fraction(20, 6) / 20


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((1, 3), "indicator 35 has 3 parts; got 2 levels"),
        ((1, 3, 6), "indicator 35 part 3: level 6 is outside the ladder 0-5"),
        (Fraction(7, 4), "indicator 35: 1.75 is not a mean of 3 levels on the ladder 0-5"),
    ],
)
def test_bad_parts_are_refused(answer: object, message: str) -> None:
    fw = load_framework("spbe-2018")
    with pytest.raises(LevelsInvalid) as error:
        compute(fw, {**_denpasar(), 35: answer})  # type: ignore[dict-item]
    assert error.value.problems == [message]


# --- values from other agencies' indices -----------------------------------------------------------------------


def test_sdi_conversion_reproduces_the_module_examples(pemdi: Framework) -> None:
    # The module's worked examples: SDI 25 (middle of 12.5-37.5) is 2.00, SDI 68.75 (middle of 62.5-75) is 3.75.
    assert pemdi.convert(5, Fraction(25)) == 2
    assert pemdi.convert(5, Fraction("68.75")) == Fraction("3.75")
    assert pemdi.convert(5, Fraction("12.5")) == Fraction("1.5")
    assert pemdi.convert(5, Fraction(0)) == 1
    assert pemdi.convert(5, Fraction(100)) == 5
    assert pemdi.convert(6, Fraction("3.21")) == Fraction("3.21")  # SJIG bands equal the Pemdi bands
    assert pemdi.convert(7, Fraction("3")) == Fraction(53, 18)  # 2.50 + (3 - 2.6) / 0.9 inside band 3
    with pytest.raises(ValueError, match=r"indicator 5: sdi value 101 is outside its range 0-100"):
        pemdi.convert(5, Fraction(101))
    with pytest.raises(ValueError, match="does not take its value from another agency's index"):
        pemdi.convert(1, Fraction(1))


def test_pending_indices_count_one(pemdi: Framework) -> None:
    answers = {i.number: 4 for i in pemdi.indicators if i.external is None}
    result = compute(pemdi, answers, external={"sdi": Decimal("25")})
    assert result.pending == (6, 7, 18)
    assert [result.values[n] for n in (5, 6, 7, 18)] == [2, 1, 1, 1]
    assert result.show(5) == "Level 2 · 2,00"
    assert result.filled_in == ()
    weights = {i.number: i.weight for i in pemdi.indicators}
    expected = (sum(4 * weights[n] for n in answers) + 2 * 5 + 1 * (3 + 3 + 3)) / 100
    assert result.index.exact == expected


def test_fed_indicator_cannot_also_be_answered(pemdi: Framework) -> None:
    with pytest.raises(LevelsInvalid) as error:
        compute(pemdi, _all(pemdi, 3), external={"sdi": 50, "ips": Decimal("9")})  # type: ignore[arg-type]
    assert error.value.problems == [
        "indicator 5 takes its value from 'sdi': give the index value or the indicator value, not both",
        "indicator 7 takes its value from 'ips': give the index value or the indicator value, not both",
    ]
    answers = {i.number: 3 for i in pemdi.indicators if i.external is None}
    with pytest.raises(LevelsInvalid) as error:
        compute(pemdi, answers, external={"ips": Decimal("9"), "sjig": 2.5})  # type: ignore[dict-item]
    assert error.value.problems == [
        "indicator 6: 'sjig' value 2.5 is not an exact number",
        "indicator 7: ips value 9 is outside its range 1-5",
    ]


def test_compute_many_takes_external_values(pemdi: Framework) -> None:
    answers = [{i.number: 3 for i in pemdi.indicators if i.external is None}] * 2
    many = compute_many(pemdi, answers, external=[{"sdi": 100}, None])
    assert many[0].values[5] == 5
    assert many[0].pending == (6, 7, 18)
    assert many[1].pending == (5, 6, 7, 18)


def test_mixed_value_level_and_part_indicators(mini: Framework) -> None:
    result = compute(mini, {1: Decimal("2.75"), 3: (1, 2, 2)}, external={"ext": 30})
    assert result.values == {1: Fraction("2.75"), 2: 2, 3: Fraction(5, 3)}
    assert result.aspect("1").exact == (Fraction("2.75") * 40 + 2 * 30) / 70
    assert result.index.exact == (Fraction("2.75") * 40 + 2 * 30 + Fraction(5, 3) * 30) / 100
    assert result.show(1) == "Level 3 · 2,75"
    assert result.show(3) == "1,67"


# --- evidence items: automatic rejection and the proposed value --------------------------------------------------


def test_items_above_a_level_not_accepted_are_rejected_automatically(pemdi: Framework) -> None:
    given_verdicts = {"I2-L1-01": A, "I2-L1-02": R, "I2-L2-01": A, "I2-L3-01": A}
    verdicts = effective_verdicts(pemdi, 2, given_verdicts)
    assert verdicts == {
        "I2-L1-01": A,
        "I2-L1-02": R,
        "I2-L2-01": Verdict.AUTO_REJECTED,
        "I2-L3-01": Verdict.AUTO_REJECTED,
        "I2-L4-01": Verdict.AUTO_REJECTED,
        "I2-L5-01": Verdict.AUTO_REJECTED,
    }
    assert accepted_level(pemdi, 2, given_verdicts) is None
    fixed = {**given_verdicts, "I2-L1-02": A}
    assert effective_verdicts(pemdi, 2, fixed)["I2-L3-01"] is A
    assert effective_verdicts(pemdi, 2, fixed)["I2-L4-01"] is None  # not graded yet, and level 3 is accepted
    assert accepted_level(pemdi, 2, fixed) == 3


def test_without_the_rule_nothing_is_rejected_automatically(mini: Framework) -> None:
    text = VALUES_FRAMEWORK.replace("grading: {auto_reject: level_below_not_accepted, confidence: one_source}\n", "")
    fw, problems = validate_text(text, "mini.yaml", "mini")
    assert problems == []
    assert fw is not None
    verdicts = {"I1-L1-01": N, "I1-L2-01": A}
    assert effective_verdicts(fw, 1, verdicts)["I1-L2-01"] is A
    assert effective_verdicts(mini, 1, verdicts)["I1-L2-01"] is Verdict.AUTO_REJECTED


def test_unknown_item_codes_are_refused(pemdi: Framework) -> None:
    with pytest.raises(ItemsInvalid, match="not items of indicator 2: I1-L1-01, I2-L9-01"):
        effective_verdicts(pemdi, 2, {"I1-L1-01": A, "I2-L9-01": A, "I2-L1-01": A})


def test_proposed_value_is_an_exact_share_of_the_band(mini: Framework, pemdi: Framework) -> None:
    # Level 1 accepted in full (top of band 1 = 1.5); one of level 2's three items accepted: 1.5 + 1/3 x 1 = 11/6.
    proposal = propose_value(mini, 1, {"I1-L1-01": A, "I1-L1-02": A, "I1-L2-02": A})
    assert proposal is not None
    assert proposal.value == Fraction(11, 6)
    assert (proposal.accepted_level, proposal.share, proposal.rule) == (1, Fraction(1, 3), "band_share")
    assert mini.show_value(1, proposal.value) == "Level 2 · 1,83"
    assert proposal.departs_from(Fraction("1.83"))
    assert not proposal.departs_from(Fraction(11, 6))
    # Nothing accepted: the bottom of the range; half of level 1: halfway into band 1.
    assert propose_value(mini, 1, {}).value == 1  # type: ignore[union-attr]
    assert propose_value(mini, 1, {"I1-L1-01": A}).value == Fraction(5, 4)  # type: ignore[union-attr]
    # Level 3 has no items in the mini file: once level 2 is accepted there is nothing to propose from.
    full_two = {"I1-L1-01": A, "I1-L1-02": A, "I1-L2-01": A, "I1-L2-02": A, "I1-L2-03": A}
    assert propose_value(mini, 1, full_two) is None
    # Every item of every level accepted in the shipped file: the top of the range.
    everything = {item.code: A for item in pemdi.indicator(2).items}
    assert propose_value(pemdi, 2, everything).value == 5  # type: ignore[union-attr]
    # Level 4 of indicator 1 (two items): levels 1-3 accepted, one item of level 4 -> 3.50 + 1/2 x 0.50.
    one = {item.code: A for item in pemdi.indicator(1).items if item.code < "I1-L4"} | {"I1-L4-01": A}
    assert propose_value(pemdi, 1, one).value == Fraction("3.75")  # type: ignore[union-attr]


def test_no_proposal_for_fed_or_level_indicators(pemdi: Framework, spbe2020: Framework) -> None:
    assert propose_value(pemdi, 5, {"I5-L1-01": A}) is None
    assert propose_value(spbe2020, 1, {}) is None


# --- stages resolve values as they resolve levels ----------------------------------------------------------------


def test_stages_resolve_values(pemdi: Framework) -> None:
    by_stage = {
        Stage.MANDIRI: {n: Decimal("3.10") for n in range(1, 21)},
        Stage.DOKUMEN: {1: Fraction(11, 6), 2: Decimal("2.40")},
        Stage.INTERVIU: {1: Decimal("2.05")},  # an upheld objection recorded at the interview stage
    }
    resolution = resolve_indicator({s: v.get(1) for s, v in by_stage.items()})
    assert resolution is not None
    assert (resolution.level, resolution.stage) == (Decimal("2.05"), Stage.INTERVIU)
    levels = effective_levels(by_stage)
    assert (levels[1], levels[2], levels[3]) == (Decimal("2.05"), Decimal("2.40"), Decimal("3.10"))
    results = compute_round(pemdi, {"7301": by_stage})
    assert results["7301"].values[1] == Fraction("2.05")
    at_document = compute_round(pemdi, {"7301": by_stage}, upto=Stage.DOKUMEN)
    assert at_document["7301"].values[1] == Fraction(11, 6)
