"""The index engine: aspect, domain and index values of any framework, exact to the last digit.

Each value is a ratio of integers. Indicator weights are scaled by one common factor so that they are integers;
an aspect's value is then Σ(level × weight) / Σ(weight) over its indicators, a domain's and the index's the same
over theirs. That is the regulation's chain (aspect → domain → index) with nothing rounded on the way, because a
weighted mean of weighted means with those same weights is the weighted mean of the whole. Only the value
shown is rounded, half-up, by :func:`indeks.core.numbers.round_ratio_half_up`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal, cast
from weakref import WeakKeyDictionary

from indeks.core.framework import Framework
from indeks.core.numbers import round_ratio_half_up
from indeks.core.schema import PredicateBand

NodeKind = Literal["index", "domain", "aspect"]


class LevelsInvalid(ValueError):
    """Levels that cannot be computed: unknown indicators, levels off the ladder, or missing indicators."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True, slots=True)
class NodeValue:
    """The value of one node of the tree (an aspect, a domain or the index) as an exact ratio."""

    kind: NodeKind
    code: str
    name: str
    numerator: int
    denominator: int
    framework: Framework

    @property
    def exact(self) -> Fraction:
        """The unrounded value."""
        return Fraction(self.numerator, self.denominator)

    @property
    def value(self) -> Decimal:
        """The shown value: rounded half-up to the framework's places (2 for every shipped framework)."""
        return round_ratio_half_up(self.numerator, self.denominator, self.framework.places)

    @property
    def predicate(self) -> PredicateBand:
        """The predicate band of the unrounded value (same answer as ``Framework.predicate_for``, on integers)."""
        bands = _compile(self.framework).bands
        for low_num, low_den, band in reversed(bands):
            if self.numerator * low_den >= low_num * self.denominator:
                return band
        return bands[0][2]


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A framework reduced to integers for the hot path."""

    numbers: tuple[int, ...]  # indicator numbers in tree order (aspects contiguous)
    position: dict[int, int]
    weights: tuple[int, ...]  # indicator weight x scale
    low: tuple[int, ...]
    high: tuple[int, ...]
    aspect_slices: tuple[tuple[int, int], ...]
    aspect_totals: tuple[int, ...]
    domain_slices: tuple[tuple[int, int], ...]  # over aspects
    domain_totals: tuple[int, ...]
    total: int
    bands: tuple[tuple[int, int, PredicateBand], ...]  # lower bound as numerator, denominator


_COMPILED: WeakKeyDictionary[Framework, _Compiled] = WeakKeyDictionary()


def _compile(framework: Framework) -> _Compiled:
    compiled = _COMPILED.get(framework)
    if compiled is not None:
        return compiled
    indicators = [i for a in framework.aspects for i in a.indicators]
    scale = math.lcm(*(i.weight.denominator for i in indicators))
    weights = tuple(int(i.weight * scale) for i in indicators)
    aspect_slices, start = [], 0
    for aspect in framework.aspects:
        aspect_slices.append((start, start + len(aspect.indicators)))
        start += len(aspect.indicators)
    aspect_totals = tuple(sum(weights[s:e]) for s, e in aspect_slices)
    domain_slices, start = [], 0
    for domain in framework.domains:
        domain_slices.append((start, start + len(domain.aspects)))
        start += len(domain.aspects)
    domain_totals = tuple(sum(aspect_totals[s:e]) for s, e in domain_slices)
    ladders = [framework.ladder_of(i) for i in indicators]
    compiled = _Compiled(
        numbers=tuple(i.number for i in indicators),
        position={i.number: p for p, i in enumerate(indicators)},
        weights=weights,
        low=tuple(ladder.minimum for ladder in ladders),
        high=tuple(ladder.maximum for ladder in ladders),
        aspect_slices=tuple(aspect_slices),
        aspect_totals=aspect_totals,
        domain_slices=tuple(domain_slices),
        domain_totals=domain_totals,
        total=sum(weights),
        bands=tuple((b.min.numerator, b.min.denominator, b) for b in framework.spec.predicates),
    )
    _COMPILED[framework] = compiled
    return compiled


class IndexResult:
    """The index, domain and aspect values of one set of levels. Values are built on first access."""

    __slots__ = ("_sums", "filled_in", "framework", "levels")

    def __init__(
        self, framework: Framework, levels: dict[int, int], filled_in: tuple[int, ...], sums: tuple[int, ...]
    ) -> None:
        self.framework = framework
        self.levels = levels
        """Every indicator's level used, filled-in ones included."""
        self.filled_in = filled_in
        """Indicators that had no level and took the ladder's minimum (what-if mode)."""
        self._sums = sums

    @property
    def index(self) -> NodeValue:
        """The index (Indeks SPBE / Indeks Pemerintah Digital)."""
        fw = self.framework
        return NodeValue("index", "", fw.spec.index_name, self._sums[-1], _compile(fw).total, fw)

    @property
    def aspects(self) -> tuple[NodeValue, ...]:
        """One value per aspect, in the framework's order."""
        fw, c = self.framework, _compile(self.framework)
        return tuple(
            NodeValue("aspect", a.code, a.name, self._sums[k], c.aspect_totals[k], fw) for k, a in enumerate(fw.aspects)
        )

    @property
    def domains(self) -> tuple[NodeValue, ...]:
        """One value per domain (empty for a framework without domains)."""
        fw, c = self.framework, _compile(self.framework)
        offset = len(fw.aspects)
        return tuple(
            NodeValue("domain", d.code, d.name, self._sums[offset + k], c.domain_totals[k], fw)
            for k, d in enumerate(fw.domains)
        )

    def aspect(self, code: str) -> NodeValue:
        """The value of the aspect with ``code``."""
        return next(a for a in self.aspects if a.code == code)

    def domain(self, code: str) -> NodeValue:
        """The value of the domain with ``code``."""
        return next(d for d in self.domains if d.code == code)

    def __repr__(self) -> str:
        return f"<IndexResult {self.framework.id} {self.index.value}>"


def compute(framework: Framework, levels: Mapping[int, int], *, allow_missing: bool = False) -> IndexResult:
    """Compute one agency's values from its indicator levels.

    Raises :class:`LevelsInvalid` for an unknown indicator, a level off its ladder, or (unless
    ``allow_missing``) missing indicators. With ``allow_missing`` (what-if mode) a missing indicator takes its
    ladder's minimum and is listed in ``filled_in``.
    """
    return _compute_one(framework, _compile(framework), levels, allow_missing)


def compute_many(
    framework: Framework, agencies: Iterable[Mapping[int, int]], *, allow_missing: bool = False
) -> list[IndexResult]:
    """Compute many agencies' values in one call (a national round, a simulation); same rules as :func:`compute`."""
    compiled = _compile(framework)
    return [_compute_one(framework, compiled, levels, allow_missing) for levels in agencies]


def _compute_one(framework: Framework, c: _Compiled, levels: Mapping[int, int], allow_missing: bool) -> IndexResult:
    row: list[int | None] = [None] * len(c.numbers)
    problems: list[str] = []
    position = c.position
    for number, level in levels.items():
        p = position.get(number)
        if p is None:
            problems.append(f"indicator {number} is not in {framework.id}")
        elif type(level) is not int or not c.low[p] <= level <= c.high[p]:
            problems.append(f"indicator {number}: level {level!r} is outside the ladder {c.low[p]}-{c.high[p]}")
        else:
            row[p] = level
    filled: list[int] = []
    if len(levels) != len(c.numbers) or problems:
        for p, slot in enumerate(row):
            if slot is None:
                filled.append(c.numbers[p])
                row[p] = c.low[p]
        if filled and not allow_missing:
            problems.append("missing indicators: " + ", ".join(str(n) for n in sorted(filled)))
    if problems:
        raise LevelsInvalid(problems)
    full = cast(list[int], row)
    return IndexResult(framework, dict(zip(c.numbers, full, strict=True)), tuple(sorted(filled)), _sums(c, full))


def _sums(c: _Compiled, row: Sequence[int]) -> tuple[int, ...]:
    weighted = [level * w for level, w in zip(row, c.weights, strict=True)]
    aspect_sums = [sum(weighted[s:e]) for s, e in c.aspect_slices]
    domain_sums = [sum(aspect_sums[s:e]) for s, e in c.domain_slices]
    return (*aspect_sums, *domain_sums, sum(aspect_sums))
