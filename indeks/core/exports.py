"""Cells of the CSV and XLSX files Indeks writes: no text can become a formula (CSV/formula injection, CWE-1236).

Every CSV and XLSX the platform or the command line writes goes through this module (the plan export, the
``manifest.csv`` of evidence ZIPs, ``indeks calc --format csv``). A text cell that a spreadsheet would read as a
formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab, a line break or another control character, also after
leading spaces or as the full-width ``＝ ＋ － ＠``) gets a leading apostrophe, as OWASP and ASVS 5.0 (1.2.10) advise,
so Excel and LibreOffice show it as text. Numbers stay numbers: a value passed as a number (``int``, ``float``,
``Decimal``) is never touched, and a text that is a plain number (``-1``, ``3,50``) is a number to a spreadsheet
too, so it is left as it is. Control characters other than tab and line breaks carry nothing in a cell and break
readers (a NUL stops Python's ``csv``, openpyxl refuses them), so they are dropped. CSV text cells are always
quoted, so a ``;`` in a text (the list separator of an Indonesian Excel) cannot start a new cell.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported only by the code that writes a workbook
    from openpyxl.worksheet.worksheet import Worksheet

# What an XLSX cell holds (openpyxl's own union is private to its stubs).
CellValue = str | int | float | Decimal | bool | datetime | date | time | timedelta | None

FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
QUOTE = "'"
_DROPPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)")


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (or a control sequence) rather than as text."""
    if not text:
        return False
    if _CONTROL.match(text):
        return True
    first = text.lstrip()[:1]
    return first in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text)


def safe_text(text: str) -> str:
    """The text as it is when it is inert; with a leading apostrophe when a spreadsheet would evaluate it."""
    text = _DROPPED.sub("", text)
    return QUOTE + text if is_risky(text) else text


def safe_cell(value: object) -> object:
    """A cell's value for a CSV or XLSX: text made inert, numbers, dates and empty cells unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in values]


class CsvWriter:
    """``csv.writer`` whose rows are made inert; text is quoted, numbers are written bare."""

    def __init__(self, out: IO[str], *, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator=lineterminator)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(["" if value is None else value for value in safe_row(values)])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for values in rows:
            self.writerow(values)


def append_row(sheet: Worksheet, values: Iterable[CellValue]) -> None:
    """Append one row to an openpyxl sheet; every text cell is inert and stored as text (never as a formula)."""
    from openpyxl.cell.cell import Cell

    cells: list[Any] = []
    for value in values:
        if isinstance(value, str):
            value = safe_text(value)
        cell = Cell(sheet, row=1, column=1, value=value)  # append() moves the cell to its place in the new row
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)
