"""The bounded reader of user tables: every limit refuses quickly with a message naming it (issue 9)."""

from __future__ import annotations

import io
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from indeks.core.bounded import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    Limits,
    NumberRefused,
    TableError,
    check_archive,
    read_table,
    small_decimal,
)
from indeks.core.loader import load_framework
from indeks.core.tables import read_costs, read_costs_json, read_levels
from tests.hostile_files import lying_workbook, xlsx_bytes, zip_bomb

FW = load_framework("spbe-2020")


def refused(action: object, *needles: str, within: float = 1.0) -> list[str]:
    """Run ``action``; it must raise TableError within ``within`` seconds, with every needle in its message."""
    start = time.perf_counter()
    with pytest.raises(TableError) as error:
        action()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    assert elapsed < within, f"refused after {elapsed:.2f} s"
    message = "\n".join(error.value.problems)
    for needle in needles:
        assert needle in message
    return error.value.problems


# --- numbers ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1", "1"),
        ("2,5", "2.5"),
        ("2.5", "2.5"),
        (" 1500000 ", "1500000"),
        ("0,125", "0.125"),
        ("1,5000", "1.5"),
        ("-3", "-3"),
        (",5", "0.5"),
        ("999999999999", "999999999999"),
        (3, "3"),
        (2.5, "2.5"),
    ],
)
def test_small_decimals_are_read_exactly(cell: object, value: str) -> None:
    assert small_decimal(cell) == Decimal(value)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("1e999999999", "exponent"),
        ("1E5", "exponent"),
        ("-1e-999999999", "exponent"),
        ("inf", "not a number"),
        ("NaN", "not a number"),
        ("9" * 13, "more than 12 digits"),
        ("9" * 5000, "longer than 64 characters"),
        ("0," + "0" * 40 + "1", "more than 3 decimal places"),
        ("1.000.000", "not a number"),
        ("²", "not a number"),
        ("", "not a number"),
        (float("inf"), "not a finite number"),
        (float("nan"), "not a finite number"),
        (1e300, "more than 12 digits"),
        (10**4000, "more than 12 digits"),
        (0.30000000000000004, "more than 3 decimal places"),
        (True, "not a number"),
    ],
)
def test_numbers_beyond_the_limits_are_refused_before_conversion(cell: object, reason: str) -> None:
    start = time.perf_counter()
    with pytest.raises(NumberRefused, match=reason):
        small_decimal(cell)
    assert time.perf_counter() - start < 0.1


def test_number_limits_can_be_changed_by_the_caller() -> None:
    assert small_decimal("12345,6789", Limits(max_integer_digits=5, max_decimal_places=4)) == Decimal("12345.6789")
    with pytest.raises(NumberRefused, match="more than 2 digits"):
        small_decimal("100", Limits(max_integer_digits=2))


# --- the 29-byte costs file and the levels file that hung -----------------------------------------------------


def test_exponent_cost_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "costs.csv"
    path.write_bytes(b"indicator,cost\n1,1e999999999\n")
    assert path.stat().st_size == 29
    refused(
        lambda: read_costs(path, FW),
        "costs.csv: row 2 (indicator 1): cost '1e999999999' is not a number >= 0 (written with an exponent",
    )


def test_exponent_level_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "levels.csv"
    path.write_bytes(b"indicator,level\n" + b"".join(b"%d,1e999999999\n" % n for n in range(1, 15)))
    assert path.stat().st_size < 250
    problems = refused(lambda: read_levels(path, FW, allow_missing=True), "level '1e999999999' is not a whole number")
    assert len(problems) == 14


def test_costs_json_exponent_and_huge_numbers_are_refused_at_once() -> None:
    refused(lambda: read_costs_json('{"1": "1e999999999"}', FW), "indicator 1: cost '1e999999999'", "exponent")
    refused(lambda: read_costs_json('{"1": 1e999999999}', FW), "exponent")
    refused(lambda: read_costs_json('{"1": ' + "9" * 4000 + "}", FW), "longer than 64 characters")
    refused(lambda: read_costs_json("[" * 10_000, FW), "not JSON")


# --- size, rows, columns, cells, time ---------------------------------------------------------------------------


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "levels.csv"
    with path.open("wb") as out:  # sparse: 50 MB on paper, nothing written
        out.truncate(50 * 1024 * 1024)
    refused(lambda: read_levels(path, FW), "levels.csv: the file is larger than the limit of 5 MB", within=0.2)


def test_an_upload_too_large_is_refused_from_its_size_or_by_reading_one_byte_past_the_limit() -> None:
    class Upload(io.BytesIO):
        size = 50 * 1024 * 1024

    refused(lambda: read_table(Path("costs.csv"), Upload(b"indicator,cost\n")), "larger than the limit of 5 MB")
    stream = io.BytesIO(b"indicator,cost\n" + b"1,1\n" * (MAX_FILE_BYTES // 4))
    refused(lambda: read_table(Path("costs.csv"), stream), "larger than the limit of 5 MB")
    assert stream.tell() == MAX_FILE_BYTES + 1


def test_too_many_rows(tmp_path: Path) -> None:
    data = b"indicator,cost\n" + b"1,1\n" * MAX_ROWS
    refused(lambda: read_table(Path("costs.csv"), data), "costs.csv: the file has more than 10,000 rows (the limit)")
    assert len(read_table(Path("costs.csv"), data[: -len(b"1,1\n")])) == MAX_ROWS
    refused(lambda: read_table(Path("c.csv"), b"a\n" * 11, limits=Limits(max_rows=10)), "more than 10 rows")


def test_too_many_columns_long_cells_and_long_lines() -> None:
    refused(
        lambda: read_table(Path("c.csv"), b"indicator,cost\n1,2" + b",x" * 60 + b"\n"),
        "c.csv: row 2: a value in column 62, beyond the limit of 50 columns",
    )
    assert read_table(Path("c.csv"), b"indicator,cost\n1,2" + b"," * 80 + b"\n")[1][1] == ["1", "2"]
    refused(
        lambda: read_table(Path("c.csv"), b"indicator,cost\n1," + b"x" * 3000 + b"\n"),
        "c.csv: row 2, column 2: the cell has 3,000 characters, more than the limit of 2,000",
    )
    refused(lambda: read_table(Path("c.csv"), b"a\n" + b"," * 200_000 + b"\n"), "c.csv: line 2 has 200,001 characters")
    quoted = b'a\n"' + (b"x" * 1000 + b"\n") * 200 + b'"\n'  # one cell over 200 lines, beyond the csv module's limit
    refused(lambda: read_table(Path("c.csv"), quoted), "c.csv: line 132: a cell is longer than the limit of 2,000")


def test_time_budget() -> None:
    refused(
        lambda: read_table(Path("c.csv"), b"indicator,cost\n1,1\n", limits=Limits(max_seconds=0)),
        "c.csv: reading took longer than the limit of 0 s (row 1); refused",
    )


def test_text_only_files_refuse_workbooks_and_other_encodings() -> None:
    refused(
        lambda: read_table(Path("kode.csv"), xlsx_bytes([["code"], ["51.71"]]), allow_xlsx=False),
        "kode.csv: a text file (CSV) is expected",
    )
    refused(
        lambda: read_table(Path("kode.csv"), b"code\n\xe9\n", encodings=("utf-8-sig",)),
        "kode.csv: the file is not UTF-8 text",
    )


# --- XLSX ---------------------------------------------------------------------------------------------------------


def test_zip_bomb_is_refused_in_milliseconds() -> None:
    bomb = zip_bomb(400)
    assert len(bomb) < 1024 * 1024
    refused(
        lambda: read_costs(Path("biaya.xlsx"), FW, bomb),
        "biaya.xlsx: member 'xl/worksheets/sheet1.xml' decompresses to 400 MB, more than the limit of 20 MB",
        within=0.1,
    )


def test_a_member_larger_than_its_header_says_is_refused() -> None:
    refused(
        lambda: read_costs(Path("biaya.xlsx"), FW, lying_workbook(30)),
        "biaya.xlsx: member '[Content_Types].xml' decompresses to more than the",
        "bytes its header says",
    )


def test_archive_limits_are_named() -> None:
    workbook = xlsx_bytes([["indicator", "cost"], [1, 2]])
    check_archive("w.xlsx", workbook)
    refused(lambda: check_archive("w.xlsx", workbook, Limits(max_xlsx_members=3)), "more than the limit of 3")
    refused(
        lambda: check_archive("w.xlsx", workbook, Limits(max_xlsx_unzipped_bytes=1000)),
        "w.xlsx: the workbook decompresses to more than the limit of 1,000 bytes",
    )
    refused(lambda: check_archive("w.xlsx", zip_bomb(32), Limits(max_xlsx_member_bytes=10**9)), "compressed", "to 1")


def test_xlsx_rows_columns_and_numbers_are_bounded() -> None:
    costs = read_costs(Path("b.xlsx"), FW, xlsx_bytes([["indicator", "cost"], [1, 2.5], [2, 1500000]]))
    assert costs == ({1: Fraction(5, 2), 2: Fraction(1500000)}, {})
    wide = xlsx_bytes([["indicator", "cost"], [1, 2, *([None] * 48), "x"]])
    refused(lambda: read_table(Path("b.xlsx"), wide), "b.xlsx: row 2: a value in column 51, beyond the limit of 50")
    refused(
        lambda: read_costs(Path("b.xlsx"), FW, xlsx_bytes([["indicator", "cost"], [1, 1e300]])),
        "row 2 (indicator 1): cost '",
        "more than 12 digits",
    )
    long_sheet = xlsx_bytes([["indicator", "cost"]] + [[1, 1]] * 20)
    refused(lambda: read_table(Path("b.xlsx"), long_sheet, limits=Limits(max_rows=10)), "more than 10 rows")
