"""Stage resolution: which answer counts when an indicator was scored at several stages of a round.

At interview and visit an indicator that is not clarified keeps the previous stage's answer (carry-forward), so the
effective answer is the last stage that set one; a review correction (Tim Reviu) comes last and always wins
(FRAMEWORKS.md §4). An objection (sanggah) upheld at a stage is recorded at that stage, so it counts the same way.
Answers are whole levels (SPBE) or values (Pemdi): resolution does not look at them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from indeks.core.engine import Answer, IndexResult, compute_many
from indeks.core.framework import Framework
from indeks.core.schema import STAGE_ORDER, Stage

__all__ = [
    "STAGE_ORDER",
    "Resolution",
    "Stage",
    "compute_round",
    "effective_levels",
    "resolve_agency",
    "resolve_indicator",
]

A = TypeVar("A")


@dataclass(frozen=True, slots=True)
class Resolution(Generic[A]):
    """An indicator's effective answer (a level or a value) and the stage that set it."""

    level: A
    stage: Stage


def _stages_upto(upto: Stage | None) -> tuple[Stage, ...]:
    if upto is None:
        return STAGE_ORDER
    return STAGE_ORDER[: STAGE_ORDER.index(Stage(upto)) + 1]


def resolve_indicator(by_stage: Mapping[Stage, A | None], upto: Stage | None = None) -> Resolution[A] | None:
    """The answer of the last stage (up to ``upto``) that set one, or None when no stage did."""
    found: Resolution[A] | None = None
    for stage in _stages_upto(upto):
        level = by_stage.get(stage)
        if level is not None:
            found = Resolution(level, stage)
    return found


def resolve_agency(
    by_stage: Mapping[Stage, Mapping[int, A | None]], upto: Stage | None = None
) -> dict[int, Resolution[A]]:
    """Every indicator's resolution for one agency whose answers are given per stage."""
    resolved: dict[int, Resolution[A]] = {}
    for stage in _stages_upto(upto):
        for number, level in by_stage.get(stage, {}).items():
            if level is not None:
                resolved[number] = Resolution(level, stage)
    return resolved


def effective_levels(by_stage: Mapping[Stage, Mapping[int, A | None]], upto: Stage | None = None) -> dict[int, A]:
    """Every indicator's effective answer for one agency (the fast path of :func:`resolve_agency`)."""
    levels: dict[int, A] = {}
    for stage in _stages_upto(upto):
        stage_levels = by_stage.get(stage)
        if stage_levels:
            levels.update((n, lv) for n, lv in stage_levels.items() if lv is not None)
    return levels


K = TypeVar("K", bound=Hashable)


def compute_round(
    framework: Framework,
    agencies: Mapping[K, Mapping[Stage, Mapping[int, Answer | None]]],
    *,
    upto: Stage | None = None,
    allow_missing: bool = False,
) -> dict[K, IndexResult]:
    """Resolve the stages of every agency of a round and compute their values in one call.

    ``upto`` gives the values as they stood at a stage (the agency's view while assessment goes on).
    """
    keys: Iterable[K] = list(agencies)
    results = compute_many(framework, (effective_levels(agencies[k], upto) for k in keys), allow_missing=allow_missing)
    return dict(zip(keys, results, strict=True))
