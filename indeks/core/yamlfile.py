"""Reading YAML with exact decimals and a line number for every path, so problems can be located."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

Path = tuple[str | int, ...]


class _ExactLoader(yaml.SafeLoader):
    """A safe loader that reads YAML floats as exact Decimals instead of binary floats."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        # .inf / .nan: keep YAML's meaning; the schema refuses them with a clear message.
        return float(yaml.SafeLoader.construct_yaml_float(loader, node))


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


class YamlProblem(Exception):
    """The text is not YAML at all (with the line where parsing stopped)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def load_with_lines(text: str) -> tuple[Any, dict[Path, int], list[tuple[Path, int, str]]]:
    """Parse ``text``; return the data, the 1-based line of every path, and duplicate-key problems."""
    loader = _ExactLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        lines: dict[Path, int] = {}
        duplicates: list[tuple[Path, int, str]] = []
        _walk(node, (), lines, duplicates)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlProblem(line, str(error.problem or error)) from error
    except yaml.YAMLError as error:
        raise YamlProblem(0, str(error)) from error
    finally:
        loader.dispose()
    return data, lines, duplicates


def _walk(
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    duplicates: list[tuple[Path, int, str]],
    line: int | None = None,
) -> None:
    # A mapping's value is located at its key (``external:``), not where a block below it starts.
    lines[path] = line if line is not None else node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                duplicates.append((path, key_node.start_mark.line + 1, f"key '{key}' appears twice"))
            seen.add(key)
            _walk(value_node, (*path, key), lines, duplicates, key_node.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, duplicates)
