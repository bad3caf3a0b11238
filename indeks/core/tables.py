"""Reading tables of levels and costs from CSV or XLSX files, with a precise message per bad row (pure Python).

The files are read by the bounded reader (:mod:`indeks.core.bounded`): size, row, column, cell, time and number
limits, and a checked ZIP archive before openpyxl opens a workbook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

from indeks.core.bounded import LIMITS, Limits, NumberRefused, TableError, blank, read_table, shown, small_decimal
from indeks.core.framework import Framework

INDICATOR_HEADERS = ("indicator", "indikator")
LEVEL_HEADERS = ("level", "tingkat")

# The name used before the bounded reader existed; the same class.
LevelsFileError = TableError

__all__ = ["LevelsFile", "LevelsFileError", "TableError", "read_costs", "read_costs_json", "read_levels", "read_table"]


@dataclass
class LevelsFile:
    """Levels read from a file: indicator number → level, with the row each came from."""

    levels: dict[int, int] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)


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


def _find_columns(path: Path, header_row: int, header: list[object]) -> tuple[int, int]:
    names = [_cell_text(c).lower() for c in header]
    indicator = next((i for i, name in enumerate(names) if name in INDICATOR_HEADERS), None)
    level = next((i for i, name in enumerate(names) if name in LEVEL_HEADERS), None)
    if indicator is None or level is None:
        found = ", ".join(repr(n) for n in names if n) or "nothing"
        missing = " and ".join(repr(col) for col, idx in (("indicator", indicator), ("level", level)) if idx is None)
        raise TableError(
            [
                f"{path}: row {header_row}: the header must name the columns 'indicator' and 'level'; "
                f"missing {missing}, found {found}"
            ]
        )
    return indicator, level


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
    indicator_col, level_col = _find_columns(path, header_row, header)
    result = LevelsFile()
    problems: list[str] = []
    if len(rows) == 1:
        raise TableError([f"{path}: the file has a header but no data rows"])
    for row_number, cells in rows[1:]:
        raw_indicator = cells[indicator_col] if indicator_col < len(cells) else None
        raw_level = cells[level_col] if level_col < len(cells) else None
        where = f"{path}: row {row_number}"
        key = _cell_text(raw_indicator)
        if not key:
            problems.append(f"{where}: the indicator is empty")
            continue
        indicator = framework.find_indicator(key)
        if indicator is None:
            problems.append(f"{where}: indicator '{shown(key)}' is not in {framework.id}")
            continue
        where = f"{where} (indicator {indicator.number})"
        if indicator.number in result.rows:
            problems.append(
                f"{where}: indicator {indicator.number} is given twice (first in row {result.rows[indicator.number]})"
            )
            continue
        result.rows[indicator.number] = row_number
        ladder = framework.ladder_of(indicator)
        if blank(raw_level):
            problems.append(f"{where}: the level is empty")
            continue
        try:
            level = _as_int(raw_level, limits)
        except NumberRefused as refused:
            reason = f" ({refused})" if str(refused) else ""
            problems.append(f"{where}: level '{shown(raw_level)}' is not a whole number{reason}")
            continue
        if not ladder.minimum <= level <= ladder.maximum:
            problems.append(
                f"{where}: level {level} is outside the ladder {ladder.minimum}-{ladder.maximum} ({ladder.name})"
            )
        else:
            result.levels[indicator.number] = level
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
