"""The one bounded reader of user tables (CSV, XLSX) and of the small numbers in them (pure Python).

Every file a person gives the platform or the command line (levels, costs, assessor assignments, agency codes, the
imports to come) is read here, under limits: the file's size, its rows, columns and cell length, a time budget and,
for an XLSX workbook, the ZIP archive is checked before openpyxl opens it (number of members, declared and actual
decompressed size, compression ratio), then read with openpyxl in read-only mode. Numbers are read from their text
only when they are plain small decimals: nothing with an exponent (``1e999999999``), no inf or nan, no long digit
strings, because converting such text to an exact number is what takes unbounded time and memory.

Each refusal raises :class:`TableError` with one line that names the file, the row and column where there is one,
and the limit. The limits are the module's constants, gathered in :class:`Limits`; a caller can pass its own.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

MiB = 1024 * 1024

MAX_FILE_BYTES = 5 * MiB  # a levels or costs file is a few kB; 10,000 rows of CSV are well under 1 MB
MAX_ROWS = 10_000  # rows of the first sheet, blank rows included
MAX_COLUMNS = 50  # columns that may hold a value
MAX_CELL_CHARS = 2_000  # characters in one cell
MAX_SECONDS = 5.0  # time budget of one read, far below a web worker's timeout
MAX_XLSX_MEMBERS = 200  # files inside the XLSX archive (a workbook has about ten)
MAX_XLSX_MEMBER_BYTES = 20 * MiB  # decompressed size of one member
MAX_XLSX_UNZIPPED_BYTES = 50 * MiB  # decompressed size of all members together
MAX_XLSX_RATIO = 200  # decompressed / compressed size of a member above RATIO_FLOOR_BYTES (XML: about 10-50)
RATIO_FLOOR_BYTES = 1 * MiB
MAX_INTEGER_DIGITS = 12  # a cost below 10^12 (a trillion rupiah); a level has one digit
MAX_DECIMAL_PLACES = 3  # a cost of 0,125; with 12 digits the planner's sums stay exact in 64-bit integers
MAX_VALUE_PLACES = 6  # an indicator's value (Pemdi) as a tool exports it: 1,1667; kept exact, never rounded

XLSX_SUFFIXES = (".xlsx", ".xlsm")
_INFLATE_CHUNK = 1 * MiB
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the ZIP local file header (APPNOTE 4.3.7), 30 bytes

_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252"}

Row = tuple[int, list[object]]


@dataclass(frozen=True)
class Limits:
    """The limits of one read; the defaults are the module's constants."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cell_chars: int = MAX_CELL_CHARS
    max_seconds: float = MAX_SECONDS
    max_xlsx_members: int = MAX_XLSX_MEMBERS
    max_xlsx_member_bytes: int = MAX_XLSX_MEMBER_BYTES
    max_xlsx_unzipped_bytes: int = MAX_XLSX_UNZIPPED_BYTES
    max_xlsx_ratio: int = MAX_XLSX_RATIO
    max_integer_digits: int = MAX_INTEGER_DIGITS
    max_decimal_places: int = MAX_DECIMAL_PLACES
    max_value_places: int = MAX_VALUE_PLACES  # decimal places of an indicator's value in a levels file


LIMITS = Limits()


class TableError(Exception):
    """The file cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class NumberRefused(ValueError):
    """A cell is not a small plain decimal; the message says why, as a phrase ('written with an exponent')."""


def _size(n: int) -> str:
    return f"{n / MiB:.0f} MB" if n >= MiB else f"{n:,} bytes"


class _Clock:
    def __init__(self, name: Path | str, limits: Limits) -> None:
        self.name, self.limits = name, limits
        self.deadline = time.monotonic() + limits.max_seconds

    def check(self, where: str = "") -> None:
        if time.monotonic() > self.deadline:
            at = f" ({where})" if where else ""
            raise TableError(
                [f"{self.name}: reading took longer than the limit of {self.limits.max_seconds:g} s{at}; refused"]
            )


# --- the file's bytes --------------------------------------------------------------------------------------------


def _load(path: Path, data: bytes | BinaryIO | None, limits: Limits) -> bytes:
    """The file's content, never reading more than the size limit allows."""
    limit = limits.max_file_bytes
    too_big = f"{path}: the file is larger than the limit of {_size(limit)}"
    if isinstance(data, bytes):
        if len(data) > limit:
            raise TableError([too_big])
        return data
    if data is None:
        try:
            if path.stat().st_size > limit:
                raise TableError([too_big])
            with path.open("rb") as stream:
                content = stream.read(limit + 1)
        except OSError as error:
            raise TableError([f"{path}: cannot read the file ({error.strerror or error})"]) from error
    else:
        declared = getattr(data, "size", None)  # an upload knows its size before it is read
        if isinstance(declared, int) and declared > limit:
            raise TableError([too_big])
        if hasattr(data, "seek"):
            data.seek(0)
        content = data.read(limit + 1)
    if len(content) > limit:
        raise TableError([too_big])
    return content


def read_table(
    path: Path,
    data: bytes | BinaryIO | None = None,
    *,
    limits: Limits = LIMITS,
    allow_xlsx: bool = True,
    encodings: tuple[str, ...] = ("utf-8-sig", "cp1252"),
) -> list[Row]:
    """The non-blank rows of a CSV file or of an XLSX workbook's first sheet, as (1-based row number, cells).

    ``data`` gives the content when it does not come from disk (bytes, or an upload's file object); ``path`` then
    only names it. CSV cells are strings; XLSX cells are openpyxl's values (str, int, float, datetime, None).
    ``allow_xlsx=False`` accepts text files only (for files whose cells must stay text, such as agency codes);
    a text file is decoded with the first of ``encodings`` that fits.
    """
    content = _load(path, data, limits)
    if not content.strip():
        raise TableError([f"{path}: the file is empty"])
    clock = _Clock(path, limits)
    if path.suffix.lower() in XLSX_SUFFIXES or content[:4] == b"PK\x03\x04":
        if not allow_xlsx:
            raise TableError([f"{path}: a text file (CSV) is expected, not a workbook or an archive"])
        rows = _xlsx_rows(path, content, limits, clock)
    else:
        rows = _csv_rows(path, content, limits, clock, encodings)
    kept = [(n, cells) for n, cells in rows if any(not blank(c) for c in cells)]
    if not kept:
        raise TableError([f"{path}: the file has no rows"])
    return kept


def blank(cell: object) -> bool:
    """True for an empty cell (None or only spaces)."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _check_row(path: Path, number: int, cells: list[object], limits: Limits, clock: _Clock) -> list[object]:
    """Refuse a row beyond the row limit, a value beyond the column limit, a cell beyond the length limit."""
    clock.check(f"row {number}")
    if number > limits.max_rows:
        raise TableError([f"{path}: the file has more than {limits.max_rows:,} rows (the limit)"])
    while cells and blank(cells[-1]):
        cells.pop()
    if len(cells) > limits.max_columns:
        raise TableError(
            [f"{path}: row {number}: a value in column {len(cells)}, beyond the limit of {limits.max_columns} columns"]
        )
    for column, cell in enumerate(cells, start=1):
        if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
            raise TableError(
                [
                    f"{path}: row {number}, column {column}: the cell has {len(cell):,} characters, "
                    f"more than the limit of {limits.max_cell_chars:,}"
                ]
            )
    return cells


# --- CSV ---------------------------------------------------------------------------------------------------------


def _csv_rows(path: Path, data: bytes, limits: Limits, clock: _Clock, encodings: tuple[str, ...]) -> list[Row]:
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        names = " nor ".join(_ENCODING_NAMES.get(e, e) for e in encodings)
        raise TableError([f"{path}: the file is {'neither ' if len(encodings) > 1 else 'not '}{names} text"])
    if "\x00" in text:
        raise TableError([f"{path}: not a text file (CSV) nor an XLSX workbook"])
    # Old Mac files end lines with a lone CR, which the csv module refuses outside quotes.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = next((line for line in text.split("\n", 50)[:50] if line.strip()), "")
    # Spreadsheets set to Indonesian write ';' because the comma is the decimal separator.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    # One physical line can hold at most this much of a row that keeps to the limits: bounding the line before the
    # csv module splits it bounds the memory of a row of a million empty cells.
    longest = limits.max_columns * (limits.max_cell_chars + 3)

    def lines() -> Iterator[str]:
        for number, line in enumerate(io.StringIO(text), start=1):
            if len(line) > longest:
                raise TableError(
                    [
                        f"{path}: line {number} has {len(line):,} characters, more than {limits.max_columns} cells "
                        f"of at most {limits.max_cell_chars:,} characters can hold"
                    ]
                )
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    rows: list[Row] = []
    try:
        for number, row in enumerate(reader, start=1):
            rows.append((number, _check_row(path, number, list(row), limits, clock)))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise TableError(
                [
                    f"{path}: line {reader.line_num}: a cell is longer than the limit of "
                    f"{limits.max_cell_chars:,} characters"
                ]
            ) from error
        raise TableError([f"{path}: row {reader.line_num}: not readable as CSV ({error})"]) from error
    return rows


# --- XLSX --------------------------------------------------------------------------------------------------------


def check_archive(path: Path | str, data: bytes, limits: Limits = LIMITS, clock: _Clock | None = None) -> None:
    """Refuse a ZIP archive (an XLSX workbook) that would decompress beyond the limits, before anything parses it.

    The declared sizes are checked first (a zip bomb is refused in milliseconds); then every compressed member is
    inflated in bounded chunks and counted, so that a member larger than its header says is refused too.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise TableError([f"{path}: not a readable XLSX workbook ({error.__class__.__name__}: {error})"]) from error
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_xlsx_members:
            raise TableError(
                [f"{path}: the workbook holds {len(members):,} files, more than the limit of {limits.max_xlsx_members}"]
            )
        total = 0
        for info in members:
            where = f"{path}: member {info.filename[:100]!r}"
            if info.flag_bits & 0x1:
                raise TableError([f"{where} is encrypted; save the workbook without a password"])
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise TableError([f"{where} uses an unsupported compression method ({info.compress_type})"])
            if info.file_size > limits.max_xlsx_member_bytes:
                raise TableError(
                    [
                        f"{where} decompresses to {_size(info.file_size)}, "
                        f"more than the limit of {_size(limits.max_xlsx_member_bytes)}"
                    ]
                )
            total += info.file_size
            if total > limits.max_xlsx_unzipped_bytes:
                raise TableError(
                    [
                        f"{path}: the workbook decompresses to more than the limit of "
                        f"{_size(limits.max_xlsx_unzipped_bytes)}"
                    ]
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_xlsx_ratio:
                raise TableError(
                    [f"{where} is compressed {ratio:,.0f} to 1, more than the limit of {limits.max_xlsx_ratio} to 1"]
                )
    clock = clock or _Clock(path, limits)
    for info in members:
        if info.compress_type == zipfile.ZIP_DEFLATED:
            _inflate_within(path, data, info, clock)


def _inflate_within(path: Path | str, data: bytes, info: zipfile.ZipInfo, clock: _Clock) -> None:
    """Inflate one member in chunks, refusing it as soon as it yields more than its declared size."""
    where = f"{path}: member {info.filename[:100]!r}"
    header = data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise TableError([f"{where}: the archive is damaged (no local header)"])
    fields = _LOCAL_HEADER.unpack(header)
    start = info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11]
    pending = data[start : start + info.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    try:
        while pending and not inflater.eof:
            clock.check(info.filename[:100])
            produced += len(inflater.decompress(pending, _INFLATE_CHUNK))
            pending = inflater.unconsumed_tail
            if produced > info.file_size:
                raise TableError([f"{where} decompresses to more than the {info.file_size:,} bytes its header says"])
    except zlib.error as error:
        raise TableError([f"{where}: the archive is damaged ({error})"]) from error


def _xlsx_rows(path: Path, data: bytes, limits: Limits, clock: _Clock) -> list[Row]:
    check_archive(path, data, limits, clock)
    from openpyxl import load_workbook

    # openpyxl raises many kinds of errors on a damaged workbook (zip, XML, key, value errors): all mean the same.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise TableError([f"{path}: not a readable XLSX workbook ({error.__class__.__name__}: {error})"]) from error
    rows: list[Row] = []
    try:
        if not workbook.worksheets:
            raise TableError([f"{path}: the workbook has no worksheet"])
        sheet = workbook.worksheets[0]
        # One column more than the limit, so that a value beyond it is seen and refused (not silently dropped).
        cells = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
        for number, row in enumerate(cells, start=1):
            rows.append((number, _check_row(path, number, list(row), limits, clock)))
    except TableError:
        raise
    except Exception as error:
        raise TableError([f"{path}: the XLSX workbook is damaged ({error.__class__.__name__}: {error})"]) from error
    finally:
        workbook.close()
    return rows


# --- numbers -----------------------------------------------------------------------------------------------------

_MAX_NUMBER_CHARS = 64  # leading zeros included; checked before the pattern
_PLAIN_DECIMAL = re.compile(r"([+-]?)([0-9]*)(?:[.,]([0-9]*))?")


def small_decimal(cell: object, limits: Limits = LIMITS) -> Decimal:
    """A cell read as a small exact decimal, or :class:`NumberRefused` saying why.

    Text must be a plain decimal: digits with at most one ``,`` or ``.`` as the decimal separator, at most
    ``max_integer_digits`` digits before it and ``max_decimal_places`` after it (trailing zeros do not count);
    nothing with an exponent, no inf or nan, no thousands separators. XLSX numbers are held to the same bounds.
    The bounds are checked on the text before any conversion.
    """
    digits, places = limits.max_integer_digits, limits.max_decimal_places
    if isinstance(cell, bool) or cell is None:
        raise NumberRefused("not a number")
    if isinstance(cell, int):
        if abs(cell) >= 10**digits:
            raise NumberRefused(f"more than {digits} digits (the limit)")
        return Decimal(cell)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise NumberRefused("not a finite number")
        if abs(cell) >= 10**digits:
            raise NumberRefused(f"more than {digits} digits (the limit)")
        number = Decimal(repr(cell))  # finite and below 10^digits: its exponent is small
        if number != round(number, places):
            raise NumberRefused(f"more than {places} decimal places (the limit); round the cell")
        return number
    if not isinstance(cell, str):
        raise NumberRefused("not a number")
    text = cell.strip()
    if len(text) > _MAX_NUMBER_CHARS:
        raise NumberRefused(f"longer than {_MAX_NUMBER_CHARS} characters")
    match = _PLAIN_DECIMAL.fullmatch(text)
    if match is None or not (match.group(2) or match.group(3)):
        if re.search(r"[eE]", text) and re.search(r"[0-9]", text):
            raise NumberRefused("written with an exponent; write the plain number, e.g. 1500000 or 2,5")
        raise NumberRefused("not a number: write digits with at most one decimal comma or point")
    sign, whole, fraction = match.group(1), match.group(2).lstrip("0"), (match.group(3) or "").rstrip("0")
    if len(whole) > digits:
        raise NumberRefused(f"more than {digits} digits before the decimal separator (the limit)")
    if len(fraction) > places:
        raise NumberRefused(f"more than {places} decimal places (the limit)")
    return Decimal(f"{sign}{whole or '0'}" + (f".{fraction}" if fraction else ""))


def shown(cell: object, width: int = 30) -> str:
    """A cell's text for a message, cut to ``width`` characters."""
    if isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))
    else:
        text = "" if cell is None else str(cell).strip()
    return text if len(text) <= width else text[: width - 1] + "…"
