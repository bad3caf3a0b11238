from decimal import Decimal
from fractions import Fraction

import pytest

from indeks.core.numbers import exact_str, parse_exact, round_half_up, round_ratio_half_up, to_indonesian


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction("2.125"), "2.13"),  # a true tie rounds up (banker's rounding would give 2.12)
        (Fraction("2.9475"), "2.95"),  # published example: not truncated
        (Fraction("3.282"), "3.28"),
        (Fraction("0.005"), "0.01"),
        (Fraction("2.0049999"), "2.00"),
        (Fraction(10, 3), "3.33"),
        (Fraction(5), "5.00"),
        (Fraction(-2125, 1000), "-2.13"),
    ],
)
def test_round_half_up(value: Fraction, expected: str) -> None:
    assert round_half_up(value) == Decimal(expected)
    assert str(round_half_up(value)) == expected


def test_binary_float_rounding_is_wrong_where_ours_is_right() -> None:
    # The reason the engine never touches floats: Python's round() on 2.675 gives 2.67.
    assert round(2.675, 2) == 2.67
    assert round_half_up(Fraction("2.675")) == Decimal("2.68")


def test_round_ratio_matches_round_half_up() -> None:
    for numerator in range(0, 2000, 7):
        for denominator in (3, 6, 7, 40, 455, 1000):
            assert round_ratio_half_up(numerator, denominator) == round_half_up(Fraction(numerator, denominator))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1, Fraction(1)), (Decimal("1.30"), Fraction(13, 10)), ("2.75", Fraction(11, 4)), ("20/6", Fraction(10, 3))],
)
def test_parse_exact(raw: object, expected: Fraction) -> None:
    assert parse_exact(raw) == expected


@pytest.mark.parametrize("raw", [1.3, True, "abc", "1/0", Decimal("NaN"), None])
def test_parse_exact_refuses(raw: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked in the validation tests
        parse_exact(raw)


def test_exact_str() -> None:
    assert exact_str(Fraction("3.282")) == "3.282"
    assert exact_str(Fraction(1)) == "1.00"
    assert exact_str(Fraction("3.2825")) == "3.2825"
    assert exact_str(Fraction(10, 3)) == "3.333333333333333"
    assert exact_str(Fraction(13, 10), min_places=0) == "1.3"


def test_to_indonesian() -> None:
    assert to_indonesian(Decimal("3.28")) == "3,28"
    assert to_indonesian(Decimal("1234567.5")) == "1.234.567,5"
    assert to_indonesian("16.5") == "16,5"
    assert to_indonesian(Decimal("-0.25")) == "-0,25"
