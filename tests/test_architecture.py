"""Dependencies point one way (docs/architecture.md): every import between the apps, module level or inside a
function, goes down the layers. A new upward import fails here with the file that makes it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "indeks"

# Lowest first. An app may import the apps before it in this list (and itself), never one after it.
LAYERS: list[str | tuple[str, ...]] = [
    "core",
    "audit",
    "registry",
    "rounds",
    "notifications",
    "assessment",
    "evidence",
    "external",
    "results",
    "planning",
    ("api", "accounts", "demo", "web"),  # the doors: one layer, they may use each other
]
# The command line stands beside the platform: core only.
CLI_ALLOWED = {"core"}
# Upward imports still to be removed (each names the file); keep this list shrinking.
KNOWN: set[tuple[str, str, str]] = set()


def _imports() -> set[tuple[str, str, str]]:
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    found = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if "migrations" in relative.parts or len(relative.parts) < 2:
            continue
        source = relative.parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("indeks."):
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("indeks.")]
            for name in names:
                target = name.split(".")[1]
                if target != source and target in apps:
                    found.add((source, target, f"indeks/{relative.as_posix()}"))
    return found


def test_apps_import_only_lower_layers() -> None:
    rank = {}
    for i, layer in enumerate(LAYERS):
        for name in (layer,) if isinstance(layer, str) else layer:
            rank[name] = i
    upward = set()
    for source, target, path in _imports():
        if source == "cli":
            if target not in CLI_ALLOWED:
                upward.add((source, target, path))
        elif source in rank and target in rank and rank[target] > rank[source]:
            upward.add((source, target, path))
    assert upward - KNOWN == set()
    assert KNOWN - upward == set(), "an upward import was removed: drop it from KNOWN"


def test_core_imports_no_django() -> None:
    for path in (PACKAGE / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("django", "indeks.")) or node.module.startswith("indeks.core"), path
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("django"), path
