"""`indeks plan`: the JSON contract, targets, costs, constraints and bad input (exit 2, no traceback)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from indeks.cli.main import cli
from indeks.core.engine import compute
from indeks.core.loader import load_framework
from indeks.core.planner import CostModel, plan

FW = load_framework("spbe-2020")


def levels_file(tmp_path: Path, levels: dict[int, int]) -> Path:
    path = tmp_path / "levels.csv"
    path.write_text("indicator,level\n" + "".join(f"{n},{lv}\n" for n, lv in levels.items()), encoding="utf-8")
    return path


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def twos(tmp_path: Path) -> Path:
    return levels_file(tmp_path, {i.number: 2 for i in FW.indicators})


def test_json_contract(twos: Path) -> None:
    code, out, _ = run(
        "plan", twos, "--framework", "spbe-2020", "--target", "2.50", "--max-step", "1", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"framework", "target", "cost", "steps", "index"}
    assert data["framework"] == "spbe-2020"
    assert data["target"] == "2.50"
    assert data["cost"] == "18"
    assert len(data["steps"]) == 18
    assert all(set(s) == {"indicator", "from", "to", "cost"} for s in data["steps"])
    assert all(s["from"] == 2 and s["to"] == 3 and s["cost"] == "1" for s in data["steps"])
    raised = {**{i.number: 2 for i in FW.indicators}, **{int(s["indicator"]): s["to"] for s in data["steps"]}}
    index = compute(FW, raised).index
    assert Fraction(data["index"]["exact"]) == index.exact
    assert data["index"]["value"] == str(index.value) == "2.51"
    assert data["index"]["predicate"] == "Cukup"


def test_target_as_predicate_and_indonesian_comma(twos: Path) -> None:
    _, by_name, _ = run("plan", twos, "--framework", "spbe-2020", "--target", "Baik", "--format", "json")
    _, by_number, _ = run("plan", twos, "--framework", "spbe-2020", "--target", "2,6", "--format", "json")
    assert json.loads(by_name)["target"] == "2.60"
    assert json.loads(by_name)["cost"] == json.loads(by_number)["cost"]
    assert Fraction(json.loads(by_name)["index"]["exact"]) >= Fraction("2.6")


def test_costs_file_changes_the_plan(tmp_path: Path, twos: Path) -> None:
    costs = tmp_path / "costs.csv"
    # Service indicators become expensive, one process indicator's step to 3 is free.
    costs.write_text(
        "indicator;cost;level\n" + "".join(f"{n};10;\n" for n in range(32, 48)) + "21;0;3\n", encoding="utf-8"
    )
    code, out, _ = run(
        "plan", twos, "--framework", "spbe-2020", "--target", "2.1", "--costs", costs, "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    steps = {int(s["indicator"]): s for s in data["steps"]}
    assert not set(steps) & set(range(32, 48))
    assert steps[21]["cost"] == "0"
    per_indicator = {n: Fraction(10) for n in range(32, 48)}
    expected = plan(
        FW,
        {i.number: 2 for i in FW.indicators},
        Fraction("2.1"),
        costs=CostModel(Fraction(1), per_indicator, {(21, 3): Fraction(0)}),
    )
    assert Fraction(data["cost"]) == expected.cost


def test_lock_and_table(twos: Path) -> None:
    code, out, _ = run("plan", twos, "--framework", "spbe-2020", "--target", "2.2", "--lock", "32-47,1")
    assert code == 0
    assert "Rencana peningkatan" in out
    assert "2,00" in out
    for number in (*range(32, 48), 1):
        assert f" {number}. Tingkat" not in out


def test_target_met_prints_no_steps(tmp_path: Path) -> None:
    path = levels_file(tmp_path, {i.number: 4 for i in FW.indicators})
    code, out, _ = run("plan", path, "--framework", "spbe-2020", "--target", "3.5")
    assert code == 0
    assert "tidak ada langkah" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--target", "4.5", "--max-step", "1"],
            "cannot be reached under these constraints; the best reachable index is 3.00",
        ),
        (["--target", "luar biasa"], "--target 'luar biasa' is neither a number nor a predicate of spbe-2020"),
        (["--target", "3", "--lock", "1,x"], "--lock: 'x' is not an indicator number"),
        (["--target", "3", "--lock", "40-50"], "--lock: indicator 48 is not in spbe-2020"),
        (["--target", "3", "--max-step", "0"], "max-step must be at least 1"),
    ],
)
def test_bad_input_exits_2(twos: Path, extra: list[str], message: str) -> None:
    code, _, err = run("plan", twos, "--framework", "spbe-2020", *extra)
    assert code == 2
    assert message in err


def test_bad_costs_file_names_every_row(tmp_path: Path, twos: Path) -> None:
    costs = tmp_path / "costs.csv"
    costs.write_text("indicator,cost,level\n3,-1,\n99,1,\n4,abc,\n5,2,1\n6,1,\n6,2,\n", encoding="utf-8")
    code, _, err = run("plan", twos, "--framework", "spbe-2020", "--target", "3", "--costs", costs)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 5
    assert "row 2 (indicator 3): cost '-1' is not a number >= 0" in lines[0]
    assert "row 3: indicator '99' is not in spbe-2020" in lines[1]
    assert "row 4 (indicator 4): cost 'abc'" in lines[2]
    assert "row 5 (indicator 5): level '1' must be a level a step can reach (2-5)" in lines[3]
    assert "row 7 (indicator 6): this cost is given twice (first in row 6)" in lines[4]


def test_costs_header_must_name_cost(tmp_path: Path, twos: Path) -> None:
    costs = tmp_path / "costs.csv"
    costs.write_text("indicator,effort\n1,2\n", encoding="utf-8")
    code, _, err = run("plan", twos, "--framework", "spbe-2020", "--target", "3", "--costs", costs)
    assert code == 2
    assert "the header must name the columns 'indicator' and 'cost'" in err
