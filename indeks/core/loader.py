"""Loading framework files: parse, validate everything, and refuse a file with any problem."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from indeks.core.framework import Framework
from indeks.core.schema import FrameworkSpec
from indeks.core.validation import Problem, check_spec
from indeks.core.yamlfile import YamlProblem, load_with_lines

BUILTIN_PACKAGE = "indeks.frameworks"


@dataclass(frozen=True, slots=True)
class LocatedProblem:
    """A problem with the file and line it was found at."""

    file: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.where}: {self.message}"


class FrameworkInvalid(Exception):
    """A framework file failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[LocatedProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownFramework(KeyError):
    """No shipped framework has that id."""


def validate_text(text: str, file: str, file_stem: str | None = None) -> tuple[Framework | None, list[LocatedProblem]]:
    """Validate a framework file's text; return the framework (when valid) and every problem found."""
    try:
        data, lines, duplicates = load_with_lines(text)
    except YamlProblem as error:
        return None, [LocatedProblem(file, error.line, "(file)", f"not valid YAML: {error.message}")]
    problems = [Problem(path, message) for path, _line, message in duplicates]
    if not isinstance(data, dict):
        return None, [LocatedProblem(file, 1, "(file)", "a framework file must be a YAML mapping")]
    try:
        spec = FrameworkSpec.model_validate(data)
    except ValidationError as error:
        items = error.errors()
        locs = [tuple(item["loc"]) for item in items]
        for loc, item in zip(locs, items, strict=True):
            # pydantic also reports a list as too short when its only items failed: that is not a second problem.
            if item["type"] == "too_short" and any(len(o) > len(loc) and o[: len(loc)] == loc for o in locs):
                continue
            problems.append(Problem(loc, _message(item)))
        return None, _locate(problems, lines, file)
    problems += check_spec(spec, file_stem)
    if problems:
        return None, _locate(problems, lines, file)
    return Framework(spec), []


def _message(item: object) -> str:
    detail = item if isinstance(item, dict) else {}
    kind = detail.get("type", "")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; see docs/framework-format.md)"
    message = str(detail.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def _locate(problems: list[Problem], lines: dict[tuple[str | int, ...], int], file: str) -> list[LocatedProblem]:
    located = []
    for problem in problems:
        path = problem.path
        # A missing field has no line of its own: point at the nearest enclosing node.
        while path and path not in lines:
            path = path[:-1]
        located.append(LocatedProblem(file, lines.get(path, 0), problem.dotted(), problem.message))
    return sorted(located, key=lambda p: p.line)


def load_framework_file(path: str | Path) -> Framework:
    """Load and validate a framework file; raise :class:`FrameworkInvalid` listing every problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FrameworkInvalid([LocatedProblem(str(file), 0, "(file)", f"cannot read: {error}")]) from error
    framework, problems = validate_text(text, str(file), file.stem)
    if framework is None:
        raise FrameworkInvalid(problems)
    return framework


def builtin_ids() -> list[str]:
    """Ids of the frameworks shipped with Indeks, sorted."""
    folder = resources.files(BUILTIN_PACKAGE)
    return sorted(item.name.removesuffix(".yaml") for item in folder.iterdir() if item.name.endswith(".yaml"))


@cache
def load_framework(framework_id: str) -> Framework:
    """A shipped framework by id (loaded once per process)."""
    if framework_id not in builtin_ids():
        known = ", ".join(builtin_ids())
        raise UnknownFramework(f"unknown framework '{framework_id}' (known: {known})")
    resource = resources.files(BUILTIN_PACKAGE).joinpath(f"{framework_id}.yaml")
    framework, problems = validate_text(resource.read_text(encoding="utf-8"), f"{framework_id}.yaml", framework_id)
    if framework is None:
        raise FrameworkInvalid(problems)
    return framework
