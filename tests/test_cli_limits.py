"""`indeks` under hostile input: tiny files that hung it, huge ones, and arguments it read silently (issue 9).

The cases that hung run the console script in a subprocess with a timeout, so that a regression fails the test
instead of stalling the suite.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from indeks.cli.main import cli
from tests.hostile_files import zip_bomb

INDEKS = Path(sys.executable).parent / "indeks"
TIMEOUT = 20  # seconds; the refusals below take well under one second of work
MEMORY_CAP = 2 * 1024**3


@pytest.fixture
def levels(tmp_path: Path) -> Path:
    path = tmp_path / "levels.csv"
    path.write_text("indicator,level\n" + "".join(f"{n},2\n" for n in range(1, 48)), encoding="utf-8")
    return path


def _memory_cap() -> None:
    """At most 2 GB of address space: a regression runs out of memory in the child, not on the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def console(*args: object) -> tuple[int, str, float]:
    """Run the console script; return (exit status, stderr, seconds). A run past the timeout fails the test."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [str(INDEKS), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            preexec_fn=_memory_cap,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"indeks {' '.join(map(str, args))} did not answer within {TIMEOUT} s")
    assert "Traceback" not in proc.stderr + proc.stdout
    return proc.returncode, proc.stderr, time.perf_counter() - start


def test_the_29_byte_costs_file_is_refused_quickly(tmp_path: Path, levels: Path) -> None:
    costs = tmp_path / "costs.csv"
    costs.write_bytes(b"indicator,cost\n1,1e999999999\n")
    code, err, seconds = console(
        "plan", levels, "--framework", "spbe-2020", "--target", "Sangat Baik", "--costs", costs
    )
    assert (code, seconds < 10) == (2, True)
    assert "costs.csv: row 2 (indicator 1): cost '1e999999999' is not a number >= 0 (written with an exponent" in err


def test_a_small_levels_file_with_exponents_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "levels.csv"
    path.write_bytes(b"indicator,level\n" + b"".join(b"%d,1e999999999\n" % n for n in range(1, 15)))
    assert path.stat().st_size <= 250
    code, err, seconds = console("calc", path, "--framework", "spbe-2020", "--allow-missing")
    assert (code, seconds < 10) == (2, True)
    assert "row 2 (indicator 1): level '1e999999999' is not a whole number (written with an exponent" in err


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "levels.csv"
    with path.open("wb") as out:
        out.write(b"indicator,level\n")
        out.write(b"1,3\n" * (50 * 1024 * 1024 // 4))
    code, err, seconds = console("calc", path, "--framework", "spbe-2020")
    assert (code, seconds < 10) == (2, True)
    assert "levels.csv: the file is larger than the limit of 5 MB" in err


def test_a_zip_bomb_costs_workbook_is_refused(tmp_path: Path, levels: Path) -> None:
    costs = tmp_path / "biaya.xlsx"
    costs.write_bytes(zip_bomb(400))
    code, err, seconds = console("plan", levels, "--framework", "spbe-2020", "--target", "Baik", "--costs", costs)
    assert (code, seconds < 10) == (2, True)
    assert "decompresses to 400 MB, more than the limit of 20 MB" in err


def test_a_lock_range_of_a_hundred_million_stops_at_the_first_unknown_indicator(levels: Path) -> None:
    code, err, seconds = console(
        "plan", levels, "--framework", "spbe-2020", "--target", "Baik", "--lock", "1-100000000,40-99999999999"
    )
    assert (code, seconds < 10) == (2, True)
    assert err.count("--lock: indicator 48 is not in spbe-2020") == 2


def run(*args: object) -> tuple[int, str]:
    """In-process, for arguments that fail fast even when wrong (a range that could fill memory runs in ``console``)."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--target", ""], "--target is empty; give an index (e.g. 3,50) or a predicate of spbe-2020"),
        (["--target", "  "], "--target is empty"),
        (["--target", "1e999999999"], "--target '1e999999999' is neither a number nor a predicate"),
        (["--target", "9"], "--target '9' is outside the index range 1-5 of spbe-2020"),
        (["--target", "Baik", "--lock", "10-1"], "--lock: the range '10-1' runs backwards; write it as 1-10"),
        (["--target", "Baik", "--lock", "²"], "--lock: '²' is not an indicator number"),
        (["--target", "Baik", "--lock", "9" * 5000], "is not an indicator number or a range"),
    ],
)
def test_arguments_that_were_read_silently_are_refused(levels: Path, extra: list[str], message: str) -> None:
    code, err = run("plan", levels, "--framework", "spbe-2020", *extra)
    assert code == 2
    assert message in err


def test_unicode_digits_in_a_file_are_an_unknown_indicator_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "levels.csv"
    path.write_text("indicator,level\n²,3\n" + "9" * 1000 + ",3\n", encoding="utf-8")
    code, err = run("calc", path, "--framework", "spbe-2020", "--allow-missing")
    assert code == 2
    assert "row 2: indicator '²' is not in spbe-2020" in err
    assert "row 3: indicator '99999" in err
