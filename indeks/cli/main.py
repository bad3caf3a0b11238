"""The `indeks` command: calculator and framework tools. Bad input exits with status 2, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from indeks.cli.levels_file import LevelsFileError, read_levels
from indeks.cli.render import render_csv, render_framework, render_indicator, render_json, render_table
from indeks.core.engine import LevelsInvalid, compute
from indeks.core.framework import Framework
from indeks.core.loader import (
    FrameworkInvalid,
    UnknownFramework,
    builtin_ids,
    load_framework,
    load_framework_file,
)

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
    """Compute the index of one agency from LEVELS (CSV or XLSX with columns indicator, level)."""
    framework = resolve_framework(framework_id)
    try:
        read = read_levels(levels, framework, allow_missing=allow_missing)
        result = compute(framework, read.levels, allow_missing=allow_missing)
    except LevelsFileError as error:
        fail(error.problems)
    except LevelsInvalid as error:  # pragma: no cover - read_levels checks the same rules first
        fail(error.problems)
    renderers = {"table": render_table, "json": render_json, "csv": render_csv}
    click.echo(renderers[output](result).rstrip("\n"))


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
