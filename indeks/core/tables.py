"""Reading tables of levels and costs from CSV or XLSX files, with a precise message per bad row (pure Python).

The files are read by the bounded reader (:mod:`indeks.core.bounded`): size, row, column, cell, time and number
limits, and a checked ZIP archive before openpyxl opens a workbook.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

from indeks.core.bounded import LIMITS, Limits, NumberRefused, TableError, blank, read_table, shown, small_decimal
from indeks.core.framework import Framework
from indeks.core.numbers import plain
from indeks.core.schema import Indicator

INDICATOR_HEADERS = ("indicator", "indikator")
LEVEL_HEADERS = ("level", "tingkat")
VALUE_HEADERS = ("value", "nilai")

# A row of one part of an indicator answered per part: ``35-1`` (spbe-2018's indicator 35, three services).
_PART_KEY = re.compile(r"([0-9]{1,9})-([0-9]{1,3})")

# The name used before the bounded reader existed; the same class.
LevelsFileError = TableError

__all__ = ["LevelsFile", "LevelsFileError", "TableError", "read_costs", "read_costs_json", "read_levels", "read_table"]


@dataclass
class LevelsFile:
    """Answers read from a file, with the row each came from.

    ``levels`` holds the whole numbers (a level, or a whole value such as ``2`` = 2.00); ``values`` the decimals
    of indicators that take a value, exactly as written (``1,1667`` is ``Decimal("1.1667")``); ``parts`` the part
    levels of an indicator answered per part (spbe-2018's 35, rows ``35-1`` .. ``35-3``). ``answers`` is all of
    them in the form :func:`indeks.core.engine.compute` takes.
    """

    levels: dict[int, int] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    values: dict[int, Decimal] = field(default_factory=dict)
    parts: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def answers(self) -> dict[int, int | Decimal | tuple[int, ...]]:
        """Every answer: whole levels, exact values and part levels, by indicator number."""
        return {**self.levels, **self.values, **self.parts}


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    return "" if cell is None else str(cell).strip()


def _as_int(cell: object, limits: Limits) -> int:
    """A whole number (``3``, ``3.0``, ``3,00``) within the number limits; :class:`NumberRefused` otherwise."""
    number = small_decimal(cell, limits)
    if number != number.to_integral_value():
        raise NumberRefused("")  # the message says "not a whole number" already
    return int(number)


def _find_columns(path: Path, header_row: int, header: list[object]) -> tuple[int, int | None, int | None]:
    """The columns of the indicator, the level and the value (at least one of these two)."""
    names = [_cell_text(c).lower() for c in header]
    indicator = next((i for i, name in enumerate(names) if name in INDICATOR_HEADERS), None)
    level = next((i for i, name in enumerate(names) if name in LEVEL_HEADERS), None)
    value = next((i for i, name in enumerate(names) if name in VALUE_HEADERS), None)
    if indicator is None or (level is None and value is None):
        found = ", ".join(repr(n) for n in names if n) or "nothing"
        missing = " and ".join(
            repr(col)
            for col, idx in (("indicator", indicator), ("level", level if value is None else 0))
            if idx is None
        )
        raise TableError(
            [
                f"{path}: row {header_row}: the header must name the columns 'indicator' and 'level' "
                f"(or 'value'/'nilai'); missing {missing}, found {found}"
            ]
        )
    return indicator, level, value


def _answer(
    framework: Framework, indicator: Indicator, raw: object, limits: Limits
) -> tuple[int | None, Decimal | None, str]:
    """One answer cell as (whole number, decimal value, problem): the problem is '' when the cell is good.

    A whole number is a level (or, for an indicator that takes a value, the value: ``2`` is 2.00); a decimal is a
    value, kept exactly as written, and only for an indicator that takes one.
    """
    ladder = framework.ladder_of(indicator)
    scale = ladder.values
    try:
        # A value may have more places than a cost (1,1667): the value limit; its range bounds the digits.
        places = limits.max_decimal_places if scale is None else limits.max_value_places
        number = small_decimal(raw, replace(limits, max_decimal_places=places))
    except NumberRefused as refused:
        reason = f" ({refused})" if str(refused) else ""
        if scale is None:
            return None, None, f"level '{shown(raw)}' is not a whole number{reason}"
        return None, None, f"value '{shown(raw)}' is not a number{reason}"
    whole = number == number.to_integral_value()
    if scale is None:
        if not whole:
            problem = (
                f"level '{shown(raw)}' is not a whole number: indicator {indicator.number} takes a whole level "
                f"on the ladder {ladder.minimum}-{ladder.maximum} ({ladder.name}), not a value"
            )
            return None, None, problem
        if not ladder.minimum <= number <= ladder.maximum:
            problem = f"level {int(number)} is outside the ladder {ladder.minimum}-{ladder.maximum} ({ladder.name})"
            return None, None, problem
        return int(number), None, ""
    if not scale.min <= Fraction(number) <= scale.max:
        problem = (
            f"value '{shown(raw)}' is outside the range {plain(scale.min)}-{plain(scale.max)} of indicator "
            f"{indicator.number} ({ladder.name})"
        )
        return None, None, problem
    return (int(number), None, "") if whole else (None, number, "")


def _level_matches(
    framework: Framework,
    indicator: Indicator,
    whole: int | None,
    value: Decimal | None,
    raw_level: object,
    raw_value: object,
    limits: Limits,
) -> str:
    """'' when a row that gives both a level and a value gives the level its value lies in; the reason otherwise."""
    given = Fraction(value) if value is not None else Fraction(whole or 0)
    expected = framework.level_of_value(indicator, given) if framework.takes_value(indicator) else whole
    try:
        level: Decimal | None = small_decimal(raw_level, limits)
    except NumberRefused:
        level = None
    if level == expected:
        return ""
    return f"level '{shown(raw_level)}' does not match value '{shown(raw_value)}' (the value is at level {expected})"


def _part_row(framework: Framework, key: str) -> tuple[Indicator, int] | str | None:
    """``35-2`` as (indicator 35, part 2), the reason it is refused, or None when the key is not a part row."""
    match = _PART_KEY.fullmatch(key.strip())
    if match is None:
        return None
    indicator = framework.find_indicator(match.group(1))
    if indicator is None:
        return None
    if indicator.parts is None:
        return f"indicator {indicator.number} has no parts: give it one row '{indicator.number}'"
    part = int(match.group(2))
    if not 1 <= part <= indicator.parts.count:
        return f"indicator {indicator.number} has parts 1-{indicator.parts.count}, not part {part}"
    return indicator, part


def read_levels(
    path: Path,
    framework: Framework,
    *,
    allow_missing: bool = False,
    data: bytes | BinaryIO | None = None,
    limits: Limits = LIMITS,
) -> LevelsFile:
    """Read and check a levels file against ``framework``; raise :class:`TableError` with every problem."""
    rows = read_table(path, data, limits=limits)
    header_row, header = rows[0]
    indicator_col, level_col, value_col = _find_columns(path, header_row, header)
    result = LevelsFile()
    problems: list[str] = []
    part_levels: dict[int, dict[int, int]] = {}
    part_rows: dict[tuple[int, int], int] = {}
    if len(rows) == 1:
        raise TableError([f"{path}: the file has a header but no data rows"])
    for row_number, cells in rows[1:]:

        def cell(col: int | None, cells: list[object] = cells) -> object:
            return cells[col] if col is not None and col < len(cells) else None

        where = f"{path}: row {row_number}"
        extra = [c for c in cells[len(header) :] if _cell_text(c)]
        if extra:
            # "1,2,5" in a comma-separated file: the decimal comma split the value; reading "2" would be wrong.
            problems.append(
                f"{where}: {len(header) + len(extra)} cells where the header has {len(header)}; a decimal comma in a "
                'comma-separated file must be quoted ("2,5") or the file separated with semicolons'
            )
            continue
        key = _cell_text(cell(indicator_col))
        if not key:
            problems.append(f"{where}: the indicator is empty")
            continue
        part_of = _part_row(framework, key)
        if isinstance(part_of, str):
            problems.append(f"{where}: {part_of}")
            continue
        indicator, part = part_of if part_of is not None else (framework.find_indicator(key), None)
        if indicator is None:
            problems.append(f"{where}: indicator '{shown(key)}' is not in {framework.id}")
            continue
        number = indicator.number
        where = f"{where} (indicator {number})" if part is None else f"{where} (indicator {number} part {part})"
        if part is not None and (number, part) in part_rows:
            problems.append(f"{where}: part {part} is given twice (first in row {part_rows[(number, part)]})")
            continue
        if part is not None and number in result.rows and number not in part_levels:
            problems.append(f"{where}: indicator {number} is given whole in row {result.rows[number]} and per part")
            continue
        if part is None and number in part_levels:
            problems.append(f"{where}: indicator {number} is given per part (from row {result.rows[number]}) and whole")
            continue
        if part is None and number in result.rows:
            problems.append(f"{where}: indicator {number} is given twice (first in row {result.rows[number]})")
            continue
        result.rows.setdefault(number, row_number)
        if part is not None:
            part_rows[(number, part)] = row_number
            part_levels.setdefault(number, {})
        raw_level, raw_value = cell(level_col), cell(value_col)
        raw = raw_level if blank(raw_value) else raw_value
        if blank(raw):
            problems.append(f"{where}: the level is empty")
            continue
        whole, value, problem = _answer(framework, indicator, raw, limits)
        if not problem and not blank(raw_level) and not blank(raw_value):
            problem = _level_matches(framework, indicator, whole, value, raw_level, raw_value, limits)
        if problem:
            problems.append(f"{where}: {problem}")
        elif part is not None:
            if whole is None:
                problems.append(f"{where}: a part is answered with a whole level, not a value")
            else:
                part_levels[number][part] = whole
        elif value is not None:
            result.values[number] = value
        elif whole is not None:
            result.levels[number] = whole
    for number, given in part_levels.items():
        declared = framework.indicator(number).parts
        count = declared.count if declared is not None else 0
        if len(given) == count:
            result.parts[number] = tuple(given[k] for k in range(1, count + 1))
            continue
        lacking = [f"{number}-{k}" for k in range(1, count + 1) if (number, k) not in part_rows]
        if lacking:
            problems.append(
                f"{path}: indicator {number} is answered per part; the rows {', '.join(lacking)} are missing"
            )
    if not allow_missing:
        for number in framework.missing(result.rows):
            problems.append(
                f"{path}: indicator {number} ({framework.indicator(number).name}) has no row "
                "(use --allow-missing to count it at the ladder's minimum)"
            )
    if problems:
        raise TableError(problems)
    return result


COST_HEADERS = ("cost", "biaya")


def _find_column(names: list[str], accepted: tuple[str, ...]) -> int | None:
    return next((i for i, name in enumerate(names) if name in accepted), None)


def read_costs(
    path: Path, framework: Framework, data: bytes | BinaryIO | None = None, *, limits: Limits = LIMITS
) -> tuple[dict[int, Fraction], dict[tuple[int, int], Fraction]]:
    """Read a costs file (columns indicator, cost and optionally level = the level the step reaches).

    Returns costs per indicator and per (indicator, target level); raises :class:`TableError` listing every
    bad row. ``data`` is the content of an upload (then ``path`` only names the file in messages). A cost is a
    small plain decimal >= 0 (:func:`indeks.core.bounded.small_decimal`).
    """
    rows = read_table(path, data, limits=limits)
    header_row, header = rows[0]
    names = [_cell_text(c).lower() for c in header]
    indicator_col = _find_column(names, INDICATOR_HEADERS)
    cost_col = _find_column(names, COST_HEADERS)
    level_col = _find_column(names, LEVEL_HEADERS)
    if indicator_col is None or cost_col is None:
        found = ", ".join(repr(n) for n in names if n) or "nothing"
        raise TableError(
            [f"{path}: row {header_row}: the header must name the columns 'indicator' and 'cost'; found {found}"]
        )
    per_indicator: dict[int, Fraction] = {}
    per_step: dict[tuple[int, int], Fraction] = {}
    seen: dict[tuple[int, int | None], int] = {}
    problems: list[str] = []
    for row_number, cells in rows[1:]:

        def cell(col: int | None, cells: list[object] = cells) -> object:
            return cells[col] if col is not None and col < len(cells) else None

        where = f"{path}: row {row_number}"
        key = _cell_text(cell(indicator_col))
        indicator = framework.find_indicator(key) if key else None
        if indicator is None:
            problems.append(
                f"{where}: indicator '{shown(key)}' is not in {framework.id}" if key else f"{where}: no indicator"
            )
            continue
        where = f"{where} (indicator {indicator.number})"
        try:
            cost = Fraction(small_decimal(cell(cost_col), limits))
        except NumberRefused as refused:
            problems.append(f"{where}: cost '{shown(cell(cost_col))}' is not a number >= 0 ({refused})")
            continue
        if cost < 0:
            problems.append(f"{where}: cost '{shown(cell(cost_col))}' is not a number >= 0")
            continue
        level: int | None = None
        if level_col is not None and not blank(cell(level_col)):
            ladder = framework.ladder_of(indicator)
            try:
                level = _as_int(cell(level_col), limits)
            except NumberRefused:
                level = None
            if level is None or not ladder.minimum < level <= ladder.maximum:
                problems.append(
                    f"{where}: level '{shown(cell(level_col))}' must be a level a step can reach "
                    f"({ladder.minimum + 1}-{ladder.maximum})"
                )
                continue
        if (indicator.number, level) in seen:
            first = seen[(indicator.number, level)]
            problems.append(f"{where}: this cost is given twice (first in row {first})")
            continue
        seen[(indicator.number, level)] = row_number
        if level is None:
            per_indicator[indicator.number] = cost
        else:
            per_step[(indicator.number, level)] = cost
    if problems:
        raise TableError(problems)
    return per_indicator, per_step


MAX_COSTS_JSON_CHARS = 20_000  # the carried-over costs of a framework: about 30 characters per indicator


def read_costs_json(text: str, framework: Framework, *, limits: Limits = LIMITS) -> dict[int, Fraction]:
    """Costs per indicator carried as JSON (``{"12": "2.5"}``, as the planner page writes them), checked strictly.

    The text is bounded before it is parsed; the value must be one object whose keys are indicator numbers of
    ``framework`` and whose values are costs under the same rules as in a costs file. Raises :class:`TableError`
    with one line per problem.
    """
    if not text.strip():
        return {}
    if len(text) > MAX_COSTS_JSON_CHARS:
        raise TableError([f"the costs are longer than the limit of {MAX_COSTS_JSON_CHARS:,} characters"])

    def no_constant(name: str) -> object:
        raise ValueError(f"{name} is not a cost")

    try:
        # Numbers stay text, so that they meet the same plain-decimal rules as a file's cells.
        carried = json.loads(text, parse_int=str, parse_float=str, parse_constant=no_constant)
    except (ValueError, RecursionError) as error:
        raise TableError([f"the costs are not JSON ({str(error)[:80]})"]) from error
    if not isinstance(carried, dict):
        raise TableError([f"the costs must be one JSON object of indicator: cost, not {type(carried).__name__}"])
    costs: dict[int, Fraction] = {}
    problems: list[str] = []
    for key, value in carried.items():
        number = int(key) if key.isascii() and key.isdigit() and len(key) <= 6 else None
        if number is None or not framework.has_indicator(number):
            problems.append(f"indicator '{shown(key)}' is not in {framework.id}")
            continue
        if not isinstance(value, str):
            problems.append(f"indicator {number}: the cost is a {type(value).__name__}, not a number")
            continue
        try:
            cost = Fraction(small_decimal(value, limits))
        except NumberRefused as refused:
            problems.append(f"indicator {number}: cost '{shown(value)}' is not a number >= 0 ({refused})")
            continue
        if cost < 0:
            problems.append(f"indicator {number}: cost '{shown(value)}' is not a number >= 0")
            continue
        costs[number] = cost
    if problems:
        raise TableError(problems)
    return costs
