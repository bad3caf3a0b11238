"""Reading tables of levels and costs from CSV or XLSX files, with a precise message per bad row (pure Python)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from indeks.core.framework import Framework

INDICATOR_HEADERS = ("indicator", "indikator")
LEVEL_HEADERS = ("level", "tingkat")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class LevelsFileError(Exception):
    """The file cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LevelsFile:
    """Levels read from a file: indicator number → level, with the row each came from."""

    levels: dict[int, int] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)


def read_table(path: Path, data: bytes | None = None) -> list[tuple[int, list[object]]]:
    """The non-blank rows of the file's first sheet as (1-based row number, cells).

    ``data`` gives the content when it does not come from disk (an upload); ``path`` then only names it.
    """
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise LevelsFileError([f"{path}: cannot read the file ({error.strerror or error})"]) from error
    if not data.strip():
        raise LevelsFileError([f"{path}: the file is empty"])
    if path.suffix.lower() in XLSX_SUFFIXES or data[:4] == b"PK\x03\x04":
        rows = list(_xlsx_rows(path, data))
    else:
        rows = list(_csv_rows(path, data))
    rows = [(n, cells) for n, cells in rows if any(_blank(c) is False for c in cells)]
    if not rows:
        raise LevelsFileError([f"{path}: the file has no rows"])
    return rows


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _xlsx_rows(path: Path, data: bytes) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    # openpyxl raises many kinds of errors on a damaged workbook (zip, XML, key, value errors): all mean the same.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise LevelsFileError(
            [f"{path}: not a readable XLSX workbook ({error.__class__.__name__}: {error})"]
        ) from error
    try:
        rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    except Exception as error:
        raise LevelsFileError(
            [f"{path}: the XLSX workbook is damaged ({error.__class__.__name__}: {error})"]
        ) from error
    finally:
        workbook.close()
    yield from enumerate(rows, start=1)


def _csv_rows(path: Path, data: bytes) -> Iterator[tuple[int, list[object]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise LevelsFileError([f"{path}: the file is neither UTF-8 nor Windows-1252 text"])
    if "\x00" in text:
        raise LevelsFileError([f"{path}: not a text file (CSV) nor an XLSX workbook"])
    first_line = text.lstrip().splitlines()[0] if text.strip() else ""
    # Spreadsheets set to Indonesian write ';' because the comma is the decimal separator.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    # Old Mac files end lines with a lone CR, which the csv module refuses outside quotes.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = [list(row) for row in reader]
    except csv.Error as error:
        raise LevelsFileError([f"{path}: row {reader.line_num}: not readable as CSV ({error})"]) from error
    yield from enumerate(rows, start=1)


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell).strip()


def _as_int(cell: object) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    text = _cell_text(cell).replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def _find_columns(path: Path, header_row: int, header: list[object]) -> tuple[int, int]:
    names = [_cell_text(c).lower() for c in header]
    indicator = next((i for i, name in enumerate(names) if name in INDICATOR_HEADERS), None)
    level = next((i for i, name in enumerate(names) if name in LEVEL_HEADERS), None)
    if indicator is None or level is None:
        found = ", ".join(repr(n) for n in names if n) or "nothing"
        missing = " and ".join(repr(col) for col, idx in (("indicator", indicator), ("level", level)) if idx is None)
        raise LevelsFileError(
            [
                f"{path}: row {header_row}: the header must name the columns 'indicator' and 'level'; "
                f"missing {missing}, found {found}"
            ]
        )
    return indicator, level


def read_levels(path: Path, framework: Framework, *, allow_missing: bool = False) -> LevelsFile:
    """Read and check a levels file against ``framework``; raise :class:`LevelsFileError` with every problem."""
    rows = read_table(path)
    header_row, header = rows[0]
    indicator_col, level_col = _find_columns(path, header_row, header)
    result = LevelsFile()
    problems: list[str] = []
    if len(rows) == 1:
        raise LevelsFileError([f"{path}: the file has a header but no data rows"])
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
            problems.append(f"{where}: indicator '{key}' is not in {framework.id}")
            continue
        where = f"{where} (indicator {indicator.number})"
        if indicator.number in result.rows:
            problems.append(
                f"{where}: indicator {indicator.number} is given twice (first in row {result.rows[indicator.number]})"
            )
            continue
        result.rows[indicator.number] = row_number
        ladder = framework.ladder_of(indicator)
        level = _as_int(raw_level)
        if _blank(raw_level):
            problems.append(f"{where}: the level is empty")
        elif level is None:
            problems.append(f"{where}: level '{_cell_text(raw_level)}' is not a whole number")
        elif not ladder.minimum <= level <= ladder.maximum:
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
        raise LevelsFileError(problems)
    return result


COST_HEADERS = ("cost", "biaya")


def _find_column(names: list[str], accepted: tuple[str, ...]) -> int | None:
    return next((i for i, name in enumerate(names) if name in accepted), None)


def read_costs(
    path: Path, framework: Framework, data: bytes | None = None
) -> tuple[dict[int, Fraction], dict[tuple[int, int], Fraction]]:
    """Read a costs file (columns indicator, cost and optionally level = the level the step reaches).

    Returns costs per indicator and per (indicator, target level); raises :class:`LevelsFileError` listing every
    bad row. ``data`` is the content of an upload (then ``path`` only names the file in messages).
    """
    rows = read_table(path, data)
    header_row, header = rows[0]
    names = [_cell_text(c).lower() for c in header]
    indicator_col = _find_column(names, INDICATOR_HEADERS)
    cost_col = _find_column(names, COST_HEADERS)
    level_col = _find_column(names, LEVEL_HEADERS)
    if indicator_col is None or cost_col is None:
        found = ", ".join(repr(n) for n in names if n) or "nothing"
        raise LevelsFileError(
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
            problems.append(f"{where}: indicator '{key}' is not in {framework.id}" if key else f"{where}: no indicator")
            continue
        where = f"{where} (indicator {indicator.number})"
        cost = _as_fraction(cell(cost_col))
        if cost is None or cost < 0:
            problems.append(f"{where}: cost '{_cell_text(cell(cost_col))}' is not a number >= 0")
            continue
        level: int | None = None
        if level_col is not None and not _blank(cell(level_col)):
            level = _as_int(cell(level_col))
            ladder = framework.ladder_of(indicator)
            if level is None or not ladder.minimum < level <= ladder.maximum:
                problems.append(
                    f"{where}: level '{_cell_text(cell(level_col))}' must be a level a step can reach "
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
        raise LevelsFileError(problems)
    return per_indicator, per_step


def _as_fraction(cell: object) -> Fraction | None:
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int):
        return Fraction(cell)
    text = repr(cell) if isinstance(cell, float) else _cell_text(cell).replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return Fraction(number) if number.is_finite() else None
