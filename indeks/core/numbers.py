"""Exact numbers: parsing weights, official rounding and the two ways of writing a decimal.

Every value of the index chain is kept as an exact :class:`fractions.Fraction`; only the shown value is rounded,
half-up, at the very end (FRAMEWORKS.md §1). Binary floats never enter: they cannot represent 2.9475 and
round ties to even.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

_FRACTION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
_DECIMAL_RE = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$")


def parse_exact(raw: object) -> Fraction:
    """Read a weight or bound written as an int, a Decimal, a decimal string or an ``"a/b"`` fraction string.

    Floats are refused: a float has already lost the exact value the file meant.
    """
    if isinstance(raw, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(raw, int):
        return Fraction(raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueError(f"expected a finite number, got {raw}")
        return Fraction(raw)
    if isinstance(raw, Fraction):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        match = _FRACTION_RE.match(text)
        if match:
            denominator = Fraction(Decimal(match.group(2)))
            if denominator == 0:
                raise ValueError(f"division by zero in {raw!r}")
            return Fraction(Decimal(match.group(1))) / denominator
        if _DECIMAL_RE.match(text):
            return Fraction(Decimal(text))
        raise ValueError(f"not a number: {raw!r}")
    if isinstance(raw, float):
        raise ValueError(f"binary float {raw!r} is not exact; write the number as a decimal string")
    raise ValueError(f"expected a number, got {type(raw).__name__}")


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Round an exact non-negative or negative value half-up (away from zero on a tie) to ``places`` decimals."""
    scale = 10**places
    scaled = value * scale
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    # floor(|x| + 1/2) computed on integers: exact for every rational input.
    rounded = (2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator)
    return Decimal(sign * rounded).scaleb(-places)


def round_ratio_half_up(numerator: int, denominator: int, places: int = 2) -> Decimal:
    """Half-up rounding of ``numerator / denominator`` (both non-negative, denominator > 0) on integers only.

    The engine's hot path: it avoids building a Fraction for every aspect of every agency.
    """
    scale = 10**places
    rounded = (2 * numerator * scale + denominator) // (2 * denominator)
    return Decimal(rounded).scaleb(-places)


def terminates(value: Fraction) -> bool:
    """True when ``value`` has a finite decimal expansion (its denominator has no prime factor but 2 and 5)."""
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def exact_str(value: Fraction, min_places: int = 2, max_places: int = 15) -> str:
    """Write an exact value with a decimal point: every digit when the expansion ends (``3.282``, ``1.00``).

    A value that does not end (an aspect of 20/6) is written with ``max_places`` digits, rounded half-up;
    that string is for reading only, the engine never rounds from it.
    """
    if terminates(value):
        places = 0
        while (value * 10**places).denominator != 1:
            places += 1
        if places <= max_places:
            text = format(Decimal(int(value * 10**places)).scaleb(-places), "f")
            whole, _, frac = text.partition(".")
            frac = frac.ljust(min_places, "0")
            return f"{whole}.{frac}" if frac else whole
    return format(round_half_up(value, max_places), "f")


def plain(value: Fraction) -> str:
    """An exact value for messages: every digit when the expansion ends (``12.5``), else a fraction (``7/3``)."""
    if terminates(value):
        return exact_str(value, min_places=0)
    return f"{value.numerator}/{value.denominator}"


def to_indonesian(number: Decimal | str) -> str:
    """Write a decimal the Indonesian way: decimal comma, dot for thousands (``1.234,50``; ``3,28``)."""
    text = format(number, "f") if isinstance(number, Decimal) else number
    negative = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups) + ("," + frac if frac else "")
    return ("-" if negative else "") + out
