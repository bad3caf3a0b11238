"""The `indeks` command: calculator and framework tools. Bad input exits with status 2, never a traceback."""

from __future__ import annotations

import re
import sys
from fractions import Fraction
from pathlib import Path
from typing import NoReturn

import click

from indeks.cli.plan_render import render_plan_json, render_plan_table
from indeks.cli.render import render_csv, render_framework, render_indicator, render_json, render_table
from indeks.core.bounded import NumberRefused, small_decimal
from indeks.core.engine import LevelsInvalid, compute
from indeks.core.framework import Framework
from indeks.core.loader import (
    FrameworkInvalid,
    UnknownFramework,
    builtin_ids,
    load_framework,
    load_framework_file,
)
from indeks.core.numbers import exact_str
from indeks.core.planner import CostModel, PlanInputError, TargetUnreachable, plan
from indeks.core.tables import TableError, read_costs, read_levels

BAD_INPUT = 2


def fail(problems: list[str]) -> NoReturn:
    """Print one line per problem on stderr and exit with status 2."""
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(BAD_INPUT)


def resolve_framework(framework_id: str) -> Framework:
    """A shipped framework by id, or a framework file by path; exits 2 with every problem otherwise."""
    try:
        if framework_id.endswith((".yaml", ".yml")):
            return load_framework_file(framework_id)
        return load_framework(framework_id)
    except UnknownFramework as error:
        fail([str(error.args[0])])
    except FrameworkInvalid as error:
        fail([str(p) for p in error.problems])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="indeks")
def cli() -> None:
    """Indeks: hitung Indeks SPBE / Indeks Pemerintah Digital tepat seperti regulasi."""


@cli.command()
@click.argument("levels", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--framework", "framework_id", required=True, help="Framework id (see `indeks frameworks list`).")
@click.option("--format", "output", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--allow-missing", is_flag=True, help="What-if mode: missing indicators take the ladder's minimum.")
def calc(levels: Path, framework_id: str, output: str, allow_missing: bool) -> None:
    """Compute the index of one agency from LEVELS (CSV or XLSX with columns indicator, level or value).

    A value indicator (Pemdi) takes a decimal as written (1,75 or 1.75, kept exact); spbe-2018's indicator 35 may
    be given per service in rows 35-1, 35-2, 35-3.
    """
    framework = resolve_framework(framework_id)
    try:
        read = read_levels(levels, framework, allow_missing=allow_missing)
        result = compute(framework, read.answers, allow_missing=allow_missing)
    except TableError as error:
        fail(error.problems)
    except LevelsInvalid as error:  # pragma: no cover - read_levels checks the same rules first
        fail(error.problems)
    renderers = {"table": render_table, "json": render_json, "csv": render_csv}
    click.echo(renderers[output](result).rstrip("\n"))


def parse_target(framework: Framework, text: str) -> Fraction:
    """A target index: a number (3.50 or 3,50) or a predicate name or label (its lower bound)."""
    cleaned = text.strip()
    names = ", ".join(b.name for b in framework.spec.predicates)
    if not cleaned:
        fail([f"--target is empty; give an index (e.g. 3,50) or a predicate of {framework.id} ({names})"])
    for band in framework.spec.predicates:
        if cleaned.lower() in {band.name.lower(), (band.label or band.name).lower()}:
            return band.min
    try:
        target = Fraction(small_decimal(cleaned))
    except NumberRefused as refused:
        fail([f"--target '{text[:30]}' is neither a number nor a predicate of {framework.id} ({names}): {refused}"])
    low, high = framework.min_level, framework.max_level
    if not low <= target <= high:
        fail([f"--target '{cleaned[:30]}' is outside the index range {low}-{high} of {framework.id}"])
    return target


_LOCK_PART = re.compile(r"([0-9]{1,18})(?:-([0-9]{1,18}))?")


def parse_lock(framework: Framework, text: str | None) -> set[int]:
    """Indicator numbers from a list such as '1,2,5-8'; every number must be an indicator of the framework."""
    numbers: set[int] = set()
    problems = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        match = _LOCK_PART.fullmatch(part)
        if match is None:
            problems.append(f"--lock: '{part[:30]}' is not an indicator number or a range like 5-8")
            continue
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if high < low:
            problems.append(f"--lock: the range '{part}' runs backwards; write it as {high}-{low}")
            continue
        # Walk the range only as far as its first number outside the framework: a range of known indicators is
        # never longer than the framework, so '1-100000000' stops at the first unknown number.
        unknown = next((n for n in range(low, high + 1) if not framework.has_indicator(n)), None)
        if unknown is not None:
            problems.append(f"--lock: indicator {unknown} is not in {framework.id}")
            continue
        numbers.update(range(low, high + 1))
    if problems:
        fail(problems)
    return numbers


@cli.command("plan")
@click.argument("levels", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--framework", "framework_id", required=True, help="Framework id (see `indeks frameworks list`).")
@click.option("--target", required=True, help="Target index (3.50 or 3,50) or a predicate (e.g. 'Sangat Baik').")
@click.option("--costs", type=click.Path(path_type=Path, dir_okay=False), help="CSV/XLSX: indicator, cost[, level].")
@click.option("--max-step", type=int, help="At most this many levels up per indicator.")
@click.option("--lock", help="Indicators that must not be raised, e.g. '1,2,5-8'.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
def plan_command(
    levels: Path,
    framework_id: str,
    target: str,
    costs: Path | None,
    max_step: int | None,
    lock: str | None,
    output: str,
) -> None:
    """The cheapest level raises that lift LEVELS to the target index (exact optimum)."""
    framework = resolve_framework(framework_id)
    goal = parse_target(framework, target)
    locked = parse_lock(framework, lock)
    try:
        read = read_levels(levels, framework)
        if read.values or read.parts:
            given = [f"indicator {n}: value {v}" for n, v in read.values.items()]
            given += [f"indicator {n}: parts {'/'.join(map(str, p))}" for n, p in read.parts.items()]
            fail([f"{levels}: the planner takes whole levels only; {g}" for g in given])
        current = read.levels
        cost_model = CostModel()
        if costs:
            per_indicator, per_step = read_costs(costs, framework)
            cost_model = CostModel(per_indicator=per_indicator, per_step=per_step)
    except TableError as error:
        fail(error.problems)
    try:
        result = plan(framework, current, goal, costs=cost_model, max_step=max_step, locked=locked)
    except PlanInputError as error:
        fail([str(error)])
    except TargetUnreachable as error:
        best = error.best.index
        fail(
            [
                f"target {exact_str(goal)} cannot be reached under these constraints; the best reachable index is "
                f"{exact_str(best.exact)} (shown {best.value}, {best.predicate.name})"
            ]
        )
    click.echo(render_plan_json(result) if output == "json" else render_plan_table(result))


@cli.group()
def frameworks() -> None:
    """List, show and validate framework files."""


@frameworks.command("list")
def frameworks_list() -> None:
    """The frameworks shipped with Indeks."""
    for framework_id in builtin_ids():
        fw = resolve_framework(framework_id)
        spec = fw.spec
        rounds = f"{min(spec.effective_rounds)}-{max(spec.effective_rounds)}"
        domains = f"{len(fw.domains)} domain, " if fw.has_domains else ""
        click.echo(
            f"{fw.id:<12} {spec.status.value:<12} {rounds:<10} "
            f"{domains}{len(fw.aspects)} aspek, {len(fw.indicators)} indikator — {spec.title}"
        )


@frameworks.command("show")
@click.argument("framework_id")
@click.option("--indicator", type=int, help="Show one indicator's question, level criteria and evidence.")
def frameworks_show(framework_id: str, indicator: int | None) -> None:
    """Show a framework (id or file): sources, predicates, ladders, tree and weights."""
    fw = resolve_framework(framework_id)
    if indicator is None:
        click.echo(render_framework(fw))
    elif not fw.has_indicator(indicator):
        fail([f"indicator {indicator} is not in {fw.id}"])
    else:
        click.echo(render_indicator(fw, indicator))


@frameworks.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
def frameworks_validate(files: tuple[Path, ...]) -> None:
    """Validate framework files; list every problem with its line. Exit 2 when any file is invalid."""
    problems: list[str] = []
    for file in files:
        try:
            fw = load_framework_file(file)
        except FrameworkInvalid as error:
            problems += [str(p) for p in error.problems]
            continue
        click.echo(f"OK {file}: {fw.id}, {len(fw.aspects)} aspek, {len(fw.indicators)} indikator")
    if problems:
        fail(problems)


def main() -> None:
    """Entry point of the console script: never shows a traceback to a user."""
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as error:  # last line of defence: the message still says what failed
        click.echo(f"error: unexpected failure: {error.__class__.__name__}: {error}", err=True)
        sys.exit(1)
