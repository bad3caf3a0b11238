"""The `indeks` command as a user runs it: calc in three formats, every input variant and every bad input."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from indeks.cli.main import cli
from indeks.core.engine import compute
from indeks.core.loader import load_framework
from indeks.core.numbers import exact_str
from indeks.core.serialize import result_json

INDEKS = Path(sys.executable).parent / "indeks"
SHIPPED = resources.files("indeks.frameworks")

# The worked example: domains 3.70, 3.40, 3.00 and 3.20 (shown). Aspect 8 is 4,4,4,3,3,3 = 3.50.
WORKED: dict[int, int] = {
    **dict.fromkeys(range(1, 8), 4),
    **dict.fromkeys(range(8, 11), 3),
    **{11: 3, 12: 4, 13: 3, 14: 2},
    **dict.fromkeys(range(15, 19), 4),
    **dict.fromkeys(range(19, 42), 3),
    **dict.fromkeys(range(42, 45), 4),
    **dict.fromkeys(range(45, 48), 3),
}

# PermenPANRB 59/2020, written out here independently of the framework file: aspect -> (indicators, weight each).
ASPECTS_2020 = {
    "1": (range(1, 11), Fraction("1.3")),
    "2": (range(11, 15), Fraction("2.5")),
    "3": (range(15, 19), Fraction("2.5")),
    "4": (range(19, 21), Fraction("2.5")),
    "5": (range(21, 29), Fraction("1.5")),
    "6": (range(29, 32), Fraction("1.5")),
    "7": (range(32, 42), Fraction("2.75")),
    "8": (range(42, 48), Fraction(3)),
}
DOMAINS_2020 = {"1": ["1"], "2": ["2", "3", "4"], "3": ["5", "6"], "4": ["7", "8"]}
NODE_KEYS = {"code", "name", "exact", "value", "predicate"}


def weighted_mean(levels: dict[int, int], aspects: list[str]) -> Fraction:
    pairs = [(levels[n], ASPECTS_2020[a][1]) for a in aspects for n in ASPECTS_2020[a][0]]
    return sum((lv * w for lv, w in pairs), Fraction(0)) / sum(w for _, w in pairs)


def half_up(value: Fraction) -> str:
    return f"{Decimal(math.floor(value * 100 + Fraction(1, 2))) / 100:.2f}"


def predicate(value: Fraction) -> str:
    for bound, name in ((Fraction("4.2"), "Memuaskan"), (Fraction("3.5"), "Sangat Baik"), (Fraction("2.6"), "Baik")):
        if value >= bound:
            return name
    return "Cukup" if value >= Fraction("1.8") else "Kurang"


def assert_node(node: dict[str, str], expected: Fraction) -> None:
    """An output node agrees with an independently computed exact value (numbers as strings with a point)."""
    assert "," not in node["exact"] + node["value"]
    assert re.fullmatch(r"\d\.\d{2}", node["value"])
    assert abs(Fraction(Decimal(node["exact"])) - expected) < Fraction(1, 10**14)
    assert node["value"] == half_up(expected)
    assert node["predicate"] == predicate(expected)


def csv_text(levels: dict[int, object], header: str = "indicator,level") -> str:
    return header + "\n" + "".join(f"{n},{lv}\n" for n, lv in levels.items())


def write(tmp_path: Path, content: str | bytes, name: str = "levels.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def calc_json(path: Path, framework: str = "spbe-2020", *extra: str) -> dict[str, object]:
    result = run("calc", path, "--framework", framework, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def assert_bad(result: Result, *fragments: str, lines: int | None = 1, stdout: str = "") -> list[str]:
    """Exit 2, no traceback, nothing else on stdout, and each fragment on some 'error:' line of stderr."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == result.stderr.splitlines()
    if lines is not None:
        assert len(errors) == lines, errors
    for fragment in fragments:
        assert any(fragment in line for line in errors), (fragment, errors)
    return errors


@pytest.fixture
def worked_csv(tmp_path: Path) -> Path:
    return write(tmp_path, csv_text(WORKED))


# --- calc: the three output formats ---------------------------------------------------------------------------


def test_worked_example_json_matches_independent_fractions(worked_csv: Path) -> None:
    out = calc_json(worked_csv)
    assert set(out) == {"framework", "index", "domains", "aspects", "filled_in"}
    assert out["framework"] == "spbe-2020"
    assert out["index"] == {"exact": "3.281", "value": "3.28", "predicate": "Baik"}
    assert out["filled_in"] == []
    assert [d["value"] for d in out["domains"]] == ["3.70", "3.40", "3.00", "3.20"]
    assert [d["code"] for d in out["domains"]] == ["1", "2", "3", "4"]
    assert out["domains"][3]["name"] == "Layanan SPBE"
    for node in out["domains"] + out["aspects"]:
        assert set(node) == NODE_KEYS
        assert all(isinstance(v, str) for v in node.values())
    for node in out["domains"]:
        assert_node(node, weighted_mean(WORKED, DOMAINS_2020[node["code"]]))
    assert [a["code"] for a in out["aspects"]] == list(ASPECTS_2020)
    for node in out["aspects"]:
        assert_node(node, weighted_mean(WORKED, [node["code"]]))
    assert_node({**out["index"], "code": "", "name": ""}, weighted_mean(WORKED, list(ASPECTS_2020)))
    assert out["domains"][3]["exact"].startswith("3.1978021978")  # 291/91 is shown 3.20, not 3.2 exactly


def test_json_is_exactly_one_object(worked_csv: Path) -> None:
    stdout = run("calc", worked_csv, "--framework", "spbe-2020", "--format", "json").stdout
    decoder = json.JSONDecoder()
    obj, end = decoder.raw_decode(stdout)
    assert isinstance(obj, dict)
    assert stdout[end:].strip() == ""


def test_table_output_indonesian(worked_csv: Path) -> None:
    result = run("calc", worked_csv, "--framework", "spbe-2020")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Indeks SPBE (PermenPANRB 59/2020) [spbe-2020, official]"
    assert re.search(r"^Domain 1 Kebijakan Internal SPBE\s+3,70  Sangat Baik$", result.stdout, re.M)
    assert re.search(r"^Domain 2 Tata Kelola SPBE\s+3,40  Baik$", result.stdout, re.M)
    assert re.search(r"^Domain 4 Layanan SPBE\s+3,20  Baik$", result.stdout, re.M)
    assert re.search(r"^  Aspek 8 Layanan Publik Berbasis Elektronik\s+3,50  Sangat Baik$", result.stdout, re.M)
    assert re.search(
        r"^\s+1\. Tingkat Kematangan Kebijakan Internal Arsitektur.*\s4  Terpadu dan Terukur$", result.stdout, re.M
    )
    assert re.search(
        r"^\s+42\. Tingkat Kematangan Layanan Pengaduan Pelayanan Publik\s+4  Kolaborasi$", result.stdout, re.M
    )
    assert re.search(r"^Indeks SPBE\s+3,28  Baik$", result.stdout, re.M)
    assert re.search(r"^\s+\(nilai tepat / exact\)\s+3,281\s*$", result.stdout, re.M)
    assert not re.search(r"\d\.\d\d", result.stdout)  # no decimal point anywhere in the table
    assert "filled in" not in result.stdout


def test_csv_output_one_row_per_node(worked_csv: Path) -> None:
    result = run("calc", worked_csv, "--framework", "spbe-2020", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["kind", "code", "name", "exact", "value", "predicate"]
    assert rows[1] == ["index", "", "Indeks SPBE", "3.281", "3.28", "Baik"]
    assert [r[0] for r in rows[1:]] == ["index"] + ["domain"] * 4 + ["aspect"] * 8
    assert [r[1] for r in rows[2:6]] == ["1", "2", "3", "4"]
    assert [r[4] for r in rows[2:6]] == ["3.70", "3.40", "3.00", "3.20"]
    assert rows[-1] == ["aspect", "8", "Layanan Publik Berbasis Elektronik", "3.50", "3.50", "Sangat Baik"]


def test_pemdi_has_no_domains(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text(dict.fromkeys(range(1, 21), 3)))
    out = calc_json(path, "pemdi-2026")
    assert out["framework"] == "pemdi-2026"
    assert out["domains"] == []
    assert [a["code"] for a in out["aspects"]] == [str(c) for c in range(1, 8)]
    assert out["index"] == {"exact": "3.00", "value": "3.00", "predicate": "Baik"}
    table = run("calc", path, "--framework", "pemdi-2026").stdout
    assert "Domain" not in table
    assert re.search(r"^Indeks Pemerintah Digital\s+3,00  Baik \(Berkembang\)$", table, re.M)


def test_allow_missing_fills_in_minimum(tmp_path: Path) -> None:
    levels = {n: lv for n, lv in WORKED.items() if n not in (10, 47)}
    path = write(tmp_path, csv_text(levels))
    out = calc_json(path, "spbe-2020", "--allow-missing")
    assert out["filled_in"] == [10, 47]
    filled = {**levels, 10: 1, 47: 1}
    assert out["aspects"][0]["exact"] == "3.50"  # 4*7 + 3*2 + 1 = 35 over 10
    for node in out["aspects"]:
        assert_node(node, weighted_mean(filled, [node["code"]]))
    assert_node({**out["index"], "code": "", "name": ""}, weighted_mean(filled, list(ASPECTS_2020)))
    table = run("calc", path, "--framework", "spbe-2020", "--allow-missing").stdout
    assert re.search(r"^\s+10\. .*\s1\*  Rintisan$", table, re.M)
    assert re.search(r"^\s+47\. .*\s1\*  Informasi$", table, re.M)
    assert table.rstrip().endswith("filled in with the minimum level): 10, 47")


def test_spbe_2018_accepts_level_0(tmp_path: Path) -> None:
    out = calc_json(write(tmp_path, csv_text(dict.fromkeys(range(1, 36), 0))), "spbe-2018")
    assert out["index"] == {"exact": "0.00", "value": "0.00", "predicate": "Kurang"}
    assert len(out["domains"]) == 3
    bad = write(tmp_path, csv_text({**dict.fromkeys(range(1, 36), 0), 35: 6}), "bad.csv")
    assert_bad(run("calc", bad, "--framework", "spbe-2018"), "row 36 (indicator 35): level 6 is outside the ladder 0-5")


# --- calc: input variants give the same result -----------------------------------------------------------------


def _extra_columns(tmp: Path) -> Path:
    body = "".join(f'{k},{n},"nama, indikator {n}",{lv},catatan\n' for k, (n, lv) in enumerate(WORKED.items()))
    return write(tmp, "no,indicator,nama,level,keterangan\n" + body)


def _level_first(tmp: Path) -> Path:
    return write(tmp, "level,indicator\n" + "".join(f"{lv},{n}\n" for n, lv in WORKED.items()))


def _header_case(tmp: Path) -> Path:
    return write(tmp, csv_text(WORKED, header=" Indicator ,LEVEL"))


def _semicolon(tmp: Path) -> Path:
    body = "".join(f"{n};{lv},0;baik, sekali\n" for n, lv in WORKED.items())  # '4,0': Indonesian decimal comma
    return write(tmp, "indicator;level;catatan\n" + body)


def _bom(tmp: Path) -> Path:
    return write(tmp, b"\xef\xbb\xbf" + csv_text(WORKED).encode())


def _crlf(tmp: Path) -> Path:
    return write(tmp, csv_text(WORKED).replace("\n", "\r\n").encode())


def _xlsx(tmp: Path) -> Path:
    rows: list[list[object]] = [["Indicator", "Level", "Catatan"]]
    rows += [[float(n) if n % 2 else n, float(lv) if n % 3 else lv, None] for n, lv in WORKED.items()]
    return write_xlsx(tmp / "levels.xlsx", rows)


def _names(tmp: Path) -> Path:
    names = {
        37: "Tingkat Kematangan Layanan Kearsipan",  # a variant
        45: "Layanan Publik Sektoral 1",  # a variant without 'Tingkat Kematangan'
        46: "Tingkat Kematangan Layanan Publik Sektor 2",  # the official name
        1: "kebijakan internal arsitektur SPBE IP/PD",  # case and the usual abbreviation
    }
    return write(tmp, csv_text({names.get(n, n): lv for n, lv in WORKED.items()}))


@pytest.mark.parametrize(
    "build",
    [_extra_columns, _level_first, _header_case, _semicolon, _bom, _crlf, _xlsx, _names],
    ids=lambda f: f.__name__,
)
def test_input_variants_give_worked_result(tmp_path: Path, worked_csv: Path, build: Callable[[Path], Path]) -> None:
    variant = tmp_path / "variant"
    variant.mkdir()
    assert calc_json(build(variant)) == calc_json(worked_csv)


# --- calc: bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("6", "level 6 is outside the ladder 1-5 (Kapabilitas Proses)"),
        ("0", "level 0 is outside the ladder 1-5"),
        ('"3,5"', "level '3,5' is not a whole number"),
        ("abc", "level 'abc' is not a whole number"),
        ("", "the level is empty"),
    ],
)
def test_bad_level(tmp_path: Path, level: str, message: str) -> None:
    path = write(tmp_path, csv_text({**WORKED, 6: level}))
    errors = assert_bad(run("calc", path, "--framework", "spbe-2020"), f"levels.csv: row 7 (indicator 6): {message}")
    assert "indicator 6 (" not in errors[0]  # a bad level is not also reported as missing


def test_unknown_indicator(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text({**WORKED, 48: 3}))
    assert_bad(run("calc", path, "--framework", "spbe-2020"), "row 49: indicator '48' is not in spbe-2020")


def test_indicator_given_twice_names_both_rows(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text(WORKED) + "5,2\n")
    assert_bad(
        run("calc", path, "--framework", "spbe-2020"),
        "row 49 (indicator 5): indicator 5 is given twice (first in row 6)",
    )


def test_two_bad_rows_two_lines(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text({**WORKED, 2: 9, 30: "x"}))
    errors = assert_bad(run("calc", path, "--framework", "spbe-2020"), lines=2)
    assert "row 3 (indicator 2): level 9 is outside" in errors[0]
    assert "row 31 (indicator 30): level 'x' is not a whole number" in errors[1]


def test_missing_indicators_each_named(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text({n: lv for n, lv in WORKED.items() if n not in (10, 47)}))
    errors = assert_bad(
        run("calc", path, "--framework", "spbe-2020"),
        "indicator 10 (Tingkat Kematangan Kebijakan Internal Tim Koordinasi SPBE",
        "indicator 47 (Tingkat Kematangan Layanan Publik Sektor 3) has no row",
        lines=2,
    )
    assert all("--allow-missing" in e for e in errors)


def test_wrong_header(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text(WORKED, header="indicator,skor"))
    assert_bad(
        run("calc", path, "--framework", "spbe-2020"),
        "levels.csv: row 1: the header must name the columns 'indicator' and 'level' (or 'value'/'nilai'); "
        "missing 'level', found 'indicator', 'skor'",
    )


def _truncated_xlsx(tmp: Path) -> Path:
    data = write_xlsx(tmp / "whole.xlsx", [["indicator", "level"], [1, 3]]).read_bytes()
    return write(tmp, data[: len(data) // 2], "levels.xlsx")


def _zip_not_xlsx(tmp: Path) -> Path:
    with zipfile.ZipFile(tmp / "levels.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return tmp / "levels.xlsx"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda t: write(t, b""), "levels.csv: the file is empty"),
        (lambda t: write(t, "indicator,level\n"), "levels.csv: the file has a header but no data rows"),
        (lambda t: t / "nope.csv", "nope.csv: cannot read the file"),
        (lambda t: write(t, bytes(range(256)) * 4), "levels.csv: the file is neither UTF-8 nor Windows-1252 text"),
        (lambda t: write(t, b"indicator,level\x00\x01\x02\n1,3\n"), "levels.csv: not a text file (CSV)"),
        (lambda t: write(t, b"this is no workbook", "levels.xlsx"), "levels.xlsx: not a readable XLSX workbook"),
        (_truncated_xlsx, "levels.xlsx: not a readable XLSX workbook"),
        (_zip_not_xlsx, "levels.xlsx: not a readable XLSX workbook"),
    ],
    ids=["empty", "header-only", "nonexistent", "binary", "nul-bytes", "xlsx-garbage", "xlsx-truncated", "zip"],
)
def test_unusable_file(tmp_path: Path, build: Callable[[Path], Path], message: str) -> None:
    assert_bad(run("calc", build(tmp_path), "--framework", "spbe-2020"), message)


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = run("calc", tmp_path, "--framework", "spbe-2020")
    assert result.exit_code == 2
    assert "is a directory" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_framework(worked_csv: Path) -> None:
    assert_bad(
        run("calc", worked_csv, "--framework", "spbe-9999"),
        "unknown framework 'spbe-9999' (known: pemdi-2026, spbe-2018, spbe-2020)",
    )


def _xlsx_bad_part(tmp: Path, part: str) -> Path:
    source = zipfile.ZipFile(write_xlsx(tmp / "whole.xlsx", [["indicator", "level"], [1, 3]]))
    with zipfile.ZipFile(tmp / "levels.xlsx", "w") as archive:
        for name in source.namelist():
            archive.writestr(name, b"<<<not xml" if name == part else source.read(name))
    return tmp / "levels.xlsx"


# Product bugs (see the report): these inputs end in an uncaught exception (exit 1), not one 'error:' line.
@pytest.mark.parametrize(
    "build",
    [
        lambda t: write(t, "indicator,level\r1,3\r2,3\r"),  # classic Mac line endings
        lambda t: write(t, "indicator,level\n1," + "x" * 200_000 + "\n"),  # beyond csv.field_size_limit
        lambda t: _xlsx_bad_part(t, "xl/workbook.xml"),
        lambda t: _xlsx_bad_part(t, "xl/worksheets/sheet1.xml"),
    ],
    ids=["cr-only", "huge-field", "xlsx-bad-workbook-xml", "xlsx-bad-sheet-xml"],
)
def test_odd_files_never_crash(tmp_path: Path, build: Callable[[Path], Path]) -> None:
    result = run("calc", build(tmp_path), "--framework", "spbe-2020", "--allow-missing")
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    assert result.exit_code in (0, 2)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (csv_text({**WORKED, 6: 6}).encode(), "levels.csv", "row 7 (indicator 6): level 6 is outside the ladder"),
        (b"\x00\x01PK garbage \x81\x8d", "levels.csv", "neither UTF-8 nor Windows-1252"),
        (b"this is no workbook", "levels.xlsx", "not a readable XLSX workbook"),
    ],
    ids=["bad-level", "binary", "xlsx-garbage"],
)
def test_console_script_exits_2_without_traceback(tmp_path: Path, content: bytes, name: str, message: str) -> None:
    path = write(tmp_path, content, name)
    proc = subprocess.run(
        [str(INDEKS), "calc", str(path), "--framework", "spbe-2020"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: ")
    assert message in proc.stderr


def test_console_script_json(worked_csv: Path) -> None:
    proc = subprocess.run(
        [str(INDEKS), "calc", str(worked_csv), "--framework", "spbe-2020", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["index"] == {"exact": "3.281", "value": "3.28", "predicate": "Baik"}


# --- frameworks list / show / validate -------------------------------------------------------------------------


def test_frameworks_list() -> None:
    result = run("frameworks", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["pemdi-2026", "spbe-2018", "spbe-2020"]
    assert "7 aspek, 20 indikator" in lines[0]
    assert "3 domain, 7 aspek, 35 indikator" in lines[1]
    assert "4 domain, 8 aspek, 47 indikator" in lines[2]


def test_frameworks_show_weights_and_predicates() -> None:
    result = run("frameworks", "show", "spbe-2020")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "  Domain 3 Manajemen SPBE — 16,5" in out
    assert "  Domain 4 Layanan SPBE — 45,5" in out
    assert "    Aspek 7 Layanan Administrasi Pemerintahan Berbasis Elektronik — 27,5" in out
    assert re.search(r"^\s+1\. .* — 1,3 \(process\)$", out, re.M)
    assert re.search(r"^\s+32\. Tingkat Kematangan Layanan Perencanaan — 2,75 \(service\)$", out, re.M)
    assert "  2,60 ≤ nilai < 3,50: Baik" in out
    assert "  4,20 ≤ nilai ≤ 5,00: Memuaskan" in out
    assert "process (Kapabilitas Proses): 1 Rintisan, 2 Terkelola, 3 Terdefinisi" in out


def test_frameworks_show_indicator_criteria() -> None:
    result = run("frameworks", "show", "spbe-2020", "--indicator", "1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Indikator 1: Tingkat Kematangan Kebijakan Internal Arsitektur SPBE")
    assert re.findall(r"^Tingkat (\d) — ", out, re.M) == ["1", "2", "3", "4", "5"]
    assert "Tingkat 5 — Optimum" in out
    assert out.count("  Kriteria: ") == 5
    assert out.count("  Bukti dukung: ") == 5


def test_frameworks_show_unknown_indicator() -> None:
    assert_bad(run("frameworks", "show", "spbe-2020", "--indicator", "99"), "indicator 99 is not in spbe-2020")


def test_validate_shipped_files() -> None:
    files = sorted(str(SHIPPED / f"{fid}.yaml") for fid in ("pemdi-2026", "spbe-2018", "spbe-2020"))
    result = run("frameworks", "validate", *files)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"OK {files[0]}: pemdi-2026, 7 aspek, 20 indikator",
        f"OK {files[1]}: spbe-2018, 7 aspek, 35 indikator",
        f"OK {files[2]}: spbe-2020, 8 aspek, 47 indikator",
    ]


def _broken_copy(tmp_path: Path, old: str, new: str) -> tuple[Path, list[str]]:
    text = (SHIPPED / "spbe-2020.yaml").read_text(encoding="utf-8")
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1), "spbe-2020.yaml")
    return path, path.read_text(encoding="utf-8").splitlines()


def test_validate_changed_weight(tmp_path: Path) -> None:
    path, lines = _broken_copy(tmp_path, "weight: 1.30", "weight: 1.40")
    good = SHIPPED / "spbe-2018.yaml"
    ok_line = f"OK {good}: spbe-2018, 7 aspek, 35 indikator\n"
    errors = assert_bad(run("frameworks", "validate", good, path), stdout=ok_line)
    match = re.search(r"spbe-2020\.yaml:(\d+): domains\[0\]\.aspects\[0\]\.weight: aspect 1 weighs 13 ", errors[0])
    assert match, errors
    assert "sum to 13.1" in errors[0]
    assert lines[int(match.group(1)) - 1].strip() == "weight: 13"


def test_validate_unknown_key(tmp_path: Path) -> None:
    path, lines = _broken_copy(
        tmp_path, "            ladder: process\n", "            ladder: process\n            colour: red\n"
    )
    errors = assert_bad(run("frameworks", "validate", path), lines=None)
    match = [m for e in errors if (m := re.search(r"spbe-2020\.yaml:(\d+): (\S+): unknown field", e))]
    assert len(match) == 1, errors
    assert match[0].group(2) == "domains[0].aspects[0].indicators[0].colour"
    assert lines[int(match[0].group(1)) - 1].strip() == "colour: red"


def test_validate_unknown_top_level_key(tmp_path: Path) -> None:
    path, lines = _broken_copy(tmp_path, "index_name:", "colour: red\nindex_name:")
    (error,) = assert_bad(run("frameworks", "validate", path))
    assert re.fullmatch(r"error: .*spbe-2020\.yaml:(\d+): colour: unknown field.*", error)
    assert lines[int(re.search(r":(\d+):", error).group(1)) - 1] == "colour: red"


def test_validate_unknown_key_is_one_line(tmp_path: Path) -> None:
    path, _ = _broken_copy(
        tmp_path, "            ladder: process\n", "            ladder: process\n            colour: red\n"
    )
    assert_bad(run("frameworks", "validate", path), "unknown field", lines=1)


# --- calc: values (Pemdi) and parts (spbe-2018's 35) -------------------------------------------------------------

# Pemdi answers as a tool exports them: decimals with a comma or a point, four places kept, whole values too.
PEMDI_VALUES: dict[int, str] = {
    **{n: "3" for n in range(1, 21)},
    1: "1,1667",
    2: "1.75",
    3: "2,5",
    4: "4,99",
    5: "1",
    9: "3,3333",
    20: "5,00",
}


def test_pemdi_decimals_give_the_engine_result_exactly(tmp_path: Path) -> None:
    fw = load_framework("pemdi-2026")
    path = write(tmp_path, csv_text({n: f'"{v}"' if "," in v else v for n, v in PEMDI_VALUES.items()}))
    out = calc_json(path, "pemdi-2026")
    expected = compute(fw, {n: Decimal(v.replace(",", ".")) for n, v in PEMDI_VALUES.items()})
    assert out == result_json(expected)
    assert out["domains"] == []
    assert [a["code"] for a in out["aspects"]] == [str(c) for c in range(1, 8)]
    # 1,1667 is kept as written: an input rounded to 1,17 would give another exact index.
    rounded = compute(fw, {**{n: Decimal(v.replace(",", ".")) for n, v in PEMDI_VALUES.items()}, 1: Decimal("1.17")})
    assert rounded.index.exact != expected.index.exact
    assert out["index"]["exact"] == exact_str(expected.index.exact)
    assert expected.values[1] == Fraction(11667, 10000)
    assert Fraction(out["index"]["exact"]) == expected.index.exact  # the exact text is the exact value
    table = run("calc", path, "--framework", "pemdi-2026").stdout
    assert re.search(r"^\s+2\. .*\sLevel 2 · 1,75  \S", table, re.M)
    assert re.search(r"^\s+1\. .*\sLevel 1 · 1,17  \S", table, re.M)  # rounded for display only
    assert re.search(r"^\s+5\. .*\sLevel 1 · 1,00  \S", table, re.M)  # a whole value is a value: 1 = 1,00


@pytest.mark.parametrize("header", ["indicator,value", "indikator,nilai", "indicator,level,nilai"])
def test_pemdi_value_column(tmp_path: Path, header: str) -> None:
    fw = load_framework("pemdi-2026")
    values = {n: Decimal(v.replace(",", ".")) for n, v in PEMDI_VALUES.items()}
    if header.count(",") == 2:  # a level column beside the value: the level the value lies in
        rows = [f"{n},{fw.level_of_value(n, Fraction(v))},{v}" for n, v in values.items()]
    else:
        rows = [f"{n},{v}" for n, v in values.items()]
    path = write(tmp_path, "\n".join([header, *rows]) + "\n")
    assert calc_json(path, "pemdi-2026") == result_json(compute(fw, values))


def test_pemdi_xlsx_decimal_cells(tmp_path: Path) -> None:
    fw = load_framework("pemdi-2026")
    values = {n: Decimal(v.replace(",", ".")) for n, v in PEMDI_VALUES.items()}
    rows: list[list[object]] = [["indicator", "level"]]
    rows += [[n, float(v) if n % 2 else str(v).replace(".", ",")] for n, v in values.items()]  # numbers and text
    path = write_xlsx(tmp_path / "pemdi.xlsx", rows)
    assert calc_json(path, "pemdi-2026") == result_json(compute(fw, values))


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ('"5,01"', "row 3 (indicator 2): value '5,01' is outside the range 1-5 of indicator 2"),
        ("0.99", "row 3 (indicator 2): value '0.99' is outside the range 1-5"),
        ("6", "row 3 (indicator 2): value '6' is outside the range 1-5"),
        ("1e0", "row 3 (indicator 2): value '1e0' is not a number (written with an exponent"),
        ("1.12345678901", "row 3 (indicator 2): value '1.12345678901' is not a number (more than"),
        ("abc", "row 3 (indicator 2): value 'abc' is not a number"),
    ],
)
def test_pemdi_bad_value_refused_with_the_row(tmp_path: Path, cell: str, message: str) -> None:
    path = write(tmp_path, csv_text({**dict.fromkeys(range(1, 21), 3), 2: cell}))
    assert_bad(run("calc", path, "--framework", "pemdi-2026"), message)


def test_pemdi_level_not_matching_value_refused(tmp_path: Path) -> None:
    rows = [f"{n},3,3" for n in range(1, 21)]
    rows[1] = '2,3,"1,75"'
    path = write(tmp_path, "\n".join(["indicator,level,value", *rows]) + "\n")
    assert_bad(
        run("calc", path, "--framework", "pemdi-2026"),
        "row 3 (indicator 2): level '3' does not match value '1,75' (the value is at level 2)",
    )


@pytest.mark.parametrize("cell", ['"2,5"', "2.5", "3.25"])
def test_decimal_for_a_level_indicator_refused_with_the_row(tmp_path: Path, cell: str) -> None:
    path = write(tmp_path, csv_text({**WORKED, 6: cell}))
    assert_bad(
        run("calc", path, "--framework", "spbe-2020"),
        "row 7 (indicator 6): level '",
        "is not a whole number: indicator 6 takes a whole level on the ladder 1-5 (Kapabilitas Proses), not a value",
    )
    value_column = write(tmp_path, "indicator,value\n" + "\n".join(f"{n},{v}" for n, v in {**WORKED, 6: cell}.items()))
    assert_bad(run("calc", value_column, "--framework", "spbe-2020"), "row 7 (indicator 6): level '")


def test_whole_value_with_zeros_is_a_level(tmp_path: Path, worked_csv: Path) -> None:
    path = write(tmp_path, csv_text({**WORKED, 6: "4.00"}), "zeros.csv")
    assert calc_json(path) == calc_json(worked_csv)


DENPASAR = Path(__file__).parent / "data" / "denpasar-2018-levels.csv"


def test_spbe_2018_parts_reproduce_denpasar(tmp_path: Path) -> None:
    out = calc_json(DENPASAR, "spbe-2018")
    assert out["index"] == {"exact": "2.64", "value": "2.64", "predicate": "Baik"}
    assert [d["value"] for d in out["domains"]] == ["2.06", "2.29", "3.00"]
    assert out["aspects"][6]["exact"] == "2.50"
    table = run("calc", DENPASAR, "--framework", "spbe-2018").stdout
    assert re.search(r"^\s+35\. .*\s2,33  \S", table, re.M)  # the mean of 1, 3, 3


def test_spbe_2018_parts_refused(tmp_path: Path) -> None:
    text = DENPASAR.read_text(encoding="utf-8")
    missing = write(tmp_path, text.replace("35-2,3\n", ""), "missing.csv")
    assert_bad(
        run("calc", missing, "--framework", "spbe-2018"),
        "indicator 35 is answered per part; the rows 35-2 are missing",
    )
    both = write(tmp_path, text + "35,2\n", "both.csv")
    assert_bad(run("calc", both, "--framework", "spbe-2018"), "(indicator 35): indicator 35 is given per part")
    twice = write(tmp_path, text + "35-3,2\n", "twice.csv")
    assert_bad(run("calc", twice, "--framework", "spbe-2018"), "(indicator 35 part 3): part 3 is given twice")
    fourth = write(tmp_path, text + "35-4,2\n", "fourth.csv")
    assert_bad(run("calc", fourth, "--framework", "spbe-2018"), "indicator 35 has parts 1-3, not part 4")
    no_parts = write(tmp_path, text.replace("34,", "34-1,"), "no-parts.csv")
    assert_bad(run("calc", no_parts, "--framework", "spbe-2018"), "indicator 34 has no parts", lines=None)
    bad_level = write(tmp_path, text.replace("35-2,3", "35-2,7"), "bad-level.csv")
    errors = assert_bad(run("calc", bad_level, "--framework", "spbe-2018"), "(indicator 35 part 2): level 7 is outside")
    assert "missing" not in errors[0]


def test_plan_refuses_values_with_the_indicator(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text({**dict.fromkeys(range(1, 21), 3), 2: "1.75"}))
    assert_bad(
        run("plan", path, "--framework", "pemdi-2026", "--target", "4"),
        "the planner takes whole levels only; indicator 2: value 1.75",
    )


def test_a_decimal_comma_that_splits_a_row_is_refused(tmp_path: Path) -> None:
    """``1,2,5`` in a comma-separated file is three cells: reading the value as 2 would be silently wrong."""
    levels = tmp_path / "pemdi.csv"
    levels.write_text("indikator,nilai\n" + "".join(f"{n},2,5\n" for n in range(1, 21)), encoding="utf-8")
    result = run("calc", levels, "--framework", "pemdi-2026")
    assert result.exit_code == 2
    assert "row 2: 3 cells where the header has 2" in result.output
    assert "quoted" in result.output
