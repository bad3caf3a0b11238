"""The index engine: aspect, domain and index values of any framework, exact to the last digit.

Each value is a ratio of integers. Indicator weights are scaled by one common factor so that they are integers;
an aspect's value is then Σ(value × weight) / Σ(weight) over its indicators, a domain's and the index's the same
over theirs. That is the regulation's chain (aspect → domain → index) with nothing rounded on the way, because a
weighted mean of weighted means with those same weights is the weighted mean of the whole. Only the value
shown is rounded, half-up, by :func:`indeks.core.numbers.round_ratio_half_up`.

An indicator is answered with a whole level (SPBE), with a decimal value inside its level's band (Pemdi; an
``int``, :class:`~fractions.Fraction` or :class:`~decimal.Decimal`, kept exactly as given: ``Decimal("1.1667")``
stays 11667/10000), or once per part with the mean as its value (spbe-2018's indicator 35: a sequence of levels).
Indicators fed by another agency's index take the converted value of that index (``external``), or the file's
pending value while it is missing. When values are not whole, every value of one agency is scaled by the least
common denominator of its answers, so the sums stay integers and the shown value is still rounded only once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Literal, TypeAlias
from weakref import WeakKeyDictionary

from indeks.core.framework import Framework, level_in_bands
from indeks.core.numbers import plain, round_half_up, round_ratio_half_up, to_indonesian
from indeks.core.schema import PredicateBand, ValueScale

NodeKind = Literal["index", "domain", "aspect"]

Answer: TypeAlias = int | Fraction | Decimal | Sequence[int]
"""What an indicator is answered with: a whole level, a value, or the levels of its parts."""

ExternalValues: TypeAlias = Mapping[str, int | Fraction | Decimal]
"""Other agencies' index values for one agency, by external index id (``sdi``, ``sjig``, ...)."""

_LEVEL, _VALUE, _PARTS = 0, 1, 2


class LevelsInvalid(ValueError):
    """Answers that cannot be computed: unknown indicators, levels off the ladder, values out of range, missing."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


AnswersInvalid = LevelsInvalid


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
    low: tuple[int, ...]  # ladder minimum (level indicators) / lowest level (value indicators)
    high: tuple[int, ...]
    aspect_slices: tuple[tuple[int, int], ...]
    aspect_totals: tuple[int, ...]
    domain_slices: tuple[tuple[int, int], ...]  # over aspects
    domain_totals: tuple[int, ...]
    total: int
    bands: tuple[tuple[int, int, PredicateBand], ...]  # lower bound as numerator, denominator
    kinds: tuple[int, ...]  # _LEVEL, _VALUE or _PARTS
    scales: tuple[ValueScale | None, ...]
    parts: tuple[int, ...]  # number of parts (1 when the indicator has none)
    feeds: tuple[str | None, ...]  # external index id feeding the indicator
    pending: tuple[tuple[Fraction | int, int], ...]  # (pending value, its level) of fed indicators
    fed: tuple[int, ...]  # positions of indicators fed by another agency's index
    int_levels: tuple[dict[int, int] | None, ...]  # value indicators: each whole value in range -> its level
    minimum: tuple[tuple[Fraction | int, int], ...]  # (value, level) of an indicator with nothing in place
    all_levels: bool  # no value or external indicator: the fast path of 59/2020 and 5/2018 files


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
    kinds = tuple(
        _VALUE if ladder.values is not None else _PARTS if i.parts is not None else _LEVEL
        for i, ladder in zip(indicators, ladders, strict=True)
    )
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
        kinds=kinds,
        scales=tuple(ladder.values for ladder in ladders),
        parts=tuple(i.parts.count if i.parts else 1 for i in indicators),
        feeds=tuple(i.external.index if i.external else None for i in indicators),
        pending=tuple(
            _with_level(i.external.pending if i.external else Fraction(ladder.minimum), ladder.values, ladder.minimum)
            for i, ladder in zip(indicators, ladders, strict=True)
        ),
        fed=tuple(p for p, i in enumerate(indicators) if i.external is not None),
        int_levels=tuple(_whole_values(ladder.values) for ladder in ladders),
        minimum=tuple(
            _with_level(ladder.values.min if ladder.values else Fraction(ladder.minimum), ladder.values, ladder.minimum)
            for ladder in ladders
        ),
        all_levels=_VALUE not in kinds and not any(i.external for i in indicators),
    )
    _COMPILED[framework] = compiled
    return compiled


def _with_level(value: Fraction, scale: ValueScale | None, minimum: int) -> tuple[Fraction | int, int]:
    whole: Fraction | int = value.numerator if value.denominator == 1 else value
    return whole, (level_in_bands(scale, value) if scale is not None else minimum)


def _whole_values(scale: ValueScale | None) -> dict[int, int] | None:
    if scale is None:
        return None
    return {v: level_in_bands(scale, Fraction(v)) for v in range(math.ceil(scale.min), math.floor(scale.max) + 1)}


_NO_PARTS: Mapping[int, tuple[int, ...]] = MappingProxyType({})


class IndexResult:
    """The index, domain and aspect values of one agency's answers. Values are built on first access."""

    __slots__ = ("_scale", "_sums", "_values", "filled_in", "framework", "levels", "parts", "pending")

    def __init__(
        self,
        framework: Framework,
        levels: dict[int, int],
        filled_in: tuple[int, ...],
        sums: tuple[int, ...],
        *,
        scale: int = 1,
        values: Sequence[Fraction | int] | None = None,
        parts: Mapping[int, tuple[int, ...]] | None = None,
        pending: tuple[int, ...] = (),
    ) -> None:
        self.framework = framework
        self.levels = levels
        """Every indicator's level, filled-in ones included: the level answered, the level whose band holds a
        value, or for a mean of parts the whole level at or below the mean (the exact value is in ``values``)."""
        self.filled_in = filled_in
        """Indicators that had no answer and took their minimum (what-if mode)."""
        self.parts = parts if parts is not None else _NO_PARTS
        """The part levels of indicators answered per part (spbe-2018's 35), as given."""
        self.pending = pending
        """Indicators fed by another agency's index that is still pending: they count at the file's pending value."""
        self._sums = sums
        self._scale = scale
        self._values = values

    @property
    def values(self) -> dict[int, Fraction]:
        """Every indicator's exact value (the level itself for an indicator answered with a level)."""
        if self._values is None:
            return {n: Fraction(lv) for n, lv in self.levels.items()}
        return {n: Fraction(v) for n, v in zip(_compile(self.framework).numbers, self._values, strict=True)}

    def show(self, number: int) -> str:
        """An indicator's answer as shown: ``Level 2 · 1,75`` for a value, the level for a level indicator."""
        fw = self.framework
        if fw.takes_value(number):
            return fw.show_value(number, self.values[number])
        value = self.values[number]
        if value.denominator == 1:
            return str(value.numerator)
        return to_indonesian(round_half_up(value, fw.places))

    @property
    def index(self) -> NodeValue:
        """The index (Indeks SPBE / Indeks Pemerintah Digital)."""
        fw = self.framework
        return NodeValue("index", "", fw.spec.index_name, self._sums[-1], _compile(fw).total * self._scale, fw)

    @property
    def aspects(self) -> tuple[NodeValue, ...]:
        """One value per aspect, in the framework's order."""
        fw, c, k = self.framework, _compile(self.framework), self._scale
        return tuple(
            NodeValue("aspect", a.code, a.name, self._sums[i], c.aspect_totals[i] * k, fw)
            for i, a in enumerate(fw.aspects)
        )

    @property
    def domains(self) -> tuple[NodeValue, ...]:
        """One value per domain (empty for a framework without domains)."""
        fw, c, k = self.framework, _compile(self.framework), self._scale
        offset = len(fw.aspects)
        return tuple(
            NodeValue("domain", d.code, d.name, self._sums[offset + i], c.domain_totals[i] * k, fw)
            for i, d in enumerate(fw.domains)
        )

    def aspect(self, code: str) -> NodeValue:
        """The value of the aspect with ``code``."""
        return next(a for a in self.aspects if a.code == code)

    def domain(self, code: str) -> NodeValue:
        """The value of the domain with ``code``."""
        return next(d for d in self.domains if d.code == code)

    def __repr__(self) -> str:
        return f"<IndexResult {self.framework.id} {self.index.value}>"


def compute(
    framework: Framework,
    levels: Mapping[int, Answer],
    *,
    allow_missing: bool = False,
    external: ExternalValues | None = None,
) -> IndexResult:
    """Compute one agency's values from its answers (``{indicator number: level, value or part levels}``).

    Raises :class:`LevelsInvalid` for an unknown indicator, a level off its ladder, a value out of range, a level
    where a value is needed (and the reverse), or (unless ``allow_missing``) missing indicators. With
    ``allow_missing`` (what-if mode) a missing indicator takes its minimum and is listed in ``filled_in``.
    ``external`` gives other agencies' index values by index id; an indicator fed by one takes the converted
    value, or the file's pending value (listed in ``pending``) while the index is missing. An indicator fed by an
    index must not be answered as well when that index is given.
    """
    return _compute_one(framework, _compile(framework), levels, allow_missing, external)


def compute_many(
    framework: Framework,
    agencies: Iterable[Mapping[int, Answer]],
    *,
    allow_missing: bool = False,
    external: Iterable[ExternalValues | None] | None = None,
) -> list[IndexResult]:
    """Compute many agencies' values in one call (a national round, a simulation); same rules as :func:`compute`.

    ``external``, when given, runs alongside ``agencies`` (one mapping or None per agency).
    """
    compiled = _compile(framework)
    if external is None:
        if compiled.all_levels:
            out: list[IndexResult] = []
            for answers in agencies:
                result = _compute_levels(framework, compiled, answers, allow_missing)
                out.append(result or _compute_one(framework, compiled, answers, allow_missing, None))
            return out
        return [_compute_one(framework, compiled, answers, allow_missing, None) for answers in agencies]
    return [
        _compute_one(framework, compiled, answers, allow_missing, ext)
        for answers, ext in zip(agencies, external, strict=True)
    ]


def _compute_one(
    framework: Framework,
    c: _Compiled,
    answers: Mapping[int, Answer],
    allow_missing: bool,
    external: ExternalValues | None,
) -> IndexResult:
    if c.all_levels and not external:
        fast = _compute_levels(framework, c, answers, allow_missing)
        if fast is not None:
            return fast
    count = len(c.numbers)
    row: list[Fraction | int | None] = [None] * count
    level_row: list[int] = [0] * count
    parts: dict[int, tuple[int, ...]] = {}
    problems: list[str] = []
    fractional = False
    position, int_levels, low, high = c.position, c.int_levels, c.low, c.high
    for number, answer in answers.items():
        p = position.get(number)
        if p is None:
            problems.append(f"indicator {number} is not in {framework.id}")
            continue
        if type(answer) is int:  # the common case, on integers only
            by_int = int_levels[p]
            if by_int is not None:
                level = by_int.get(answer)
                if level is not None:
                    row[p], level_row[p] = answer, level
                    continue
            elif low[p] <= answer <= high[p]:
                row[p] = level_row[p] = answer
                continue
        read = _read_answer(c, p, number, answer)
        if isinstance(read, str):
            problems.append(read)
            continue
        row[p], level_row[p], given_parts = read
        fractional = fractional or type(row[p]) is not int
        if given_parts is not None:
            parts[number] = given_parts
    pending: list[int] = []
    refused: set[int] = set()
    for p in c.fed:
        number = c.numbers[p]
        index_id = c.feeds[p]
        raw = external.get(index_id) if external and index_id else None
        if raw is None:
            if number not in answers:
                row[p], level_row[p] = c.pending[p]
                fractional = fractional or type(row[p]) is not int
                pending.append(number)
            continue
        if number in answers:
            problems.append(
                f"indicator {number} takes its value from '{index_id}': give the index value or the "
                "indicator value, not both"
            )
            continue
        index_value = _exact(raw)
        if index_value is None:
            problems.append(f"indicator {number}: '{index_id}' value {raw!r} is not an exact number")
            refused.add(p)
            continue
        try:
            fed = framework.convert(number, index_value)
        except ValueError as error:
            problems.append(str(error))
            refused.add(p)
            continue
        scale = c.scales[p]
        assert scale is not None  # validation: external inputs feed values only
        row[p], level_row[p] = (fed.numerator if fed.denominator == 1 else fed), level_in_bands(scale, fed)
        fractional = fractional or fed.denominator != 1
    filled: list[int] = []
    if None in row:
        for p, slot in enumerate(row):
            if slot is None and c.numbers[p] not in answers and p not in refused:
                filled.append(c.numbers[p])
                row[p], level_row[p] = c.minimum[p]
                fractional = fractional or type(row[p]) is not int
        if filled and not allow_missing:
            problems.append("missing indicators: " + ", ".join(str(n) for n in sorted(filled)))
    if problems:
        raise LevelsInvalid(problems)
    values: list[Fraction | int] = row  # type: ignore[assignment]  # no None left: every slot was filled or refused
    if fractional:
        scale_factor = math.lcm(*(v.denominator for v in values if type(v) is not int))
        scaled = [int(v * scale_factor) for v in values]
    else:
        scale_factor, scaled = 1, values  # type: ignore[assignment]  # whole values only
    return IndexResult(
        framework,
        dict(zip(c.numbers, level_row, strict=True)),
        tuple(sorted(filled)),
        _sums(c, scaled),
        scale=scale_factor,
        values=values,
        parts=parts or None,
        pending=tuple(sorted(pending)),
    )


def _exact(raw: object) -> Fraction | None:
    if isinstance(raw, bool) or not isinstance(raw, int | Fraction | Decimal):
        return None
    if isinstance(raw, Decimal) and not raw.is_finite():
        return None
    return Fraction(raw)


def _read_answer(
    c: _Compiled, p: int, number: int, answer: object
) -> tuple[Fraction | int, int, tuple[int, ...] | None] | str:
    """One answer as (value, level, part levels) or the reason it is refused."""
    kind, low, high = c.kinds[p], c.low[p], c.high[p]
    if kind == _VALUE:
        scale = c.scales[p]
        assert scale is not None
        if isinstance(answer, Sequence) and not isinstance(answer, str):
            return f"indicator {number} is answered with one value, not with parts"
        value = _exact(answer)
        if value is None:
            return f"indicator {number}: value {answer!r} is not an exact number (write it as a decimal)"
        if not scale.min <= value <= scale.max:
            return (
                f"indicator {number}: value {_given(answer, value)} is outside the range "
                f"{plain(scale.min)}-{plain(scale.max)}"
            )
        return (value if value.denominator != 1 else value.numerator), level_in_bands(scale, value), None
    if kind == _PARTS and isinstance(answer, Sequence) and not isinstance(answer, str):
        count = c.parts[p]
        if len(answer) != count:
            return f"indicator {number} has {count} parts; got {len(answer)} levels"
        bad = [
            f"indicator {number} part {k}: level {lv!r} is outside the ladder {low}-{high}"
            for k, lv in enumerate(answer, start=1)
            if type(lv) is not int or not low <= lv <= high
        ]
        if bad:
            return "; ".join(bad)
        mean = Fraction(sum(answer), count)
        return (mean if mean.denominator != 1 else mean.numerator), math.floor(mean), tuple(answer)
    if kind == _PARTS and isinstance(answer, Fraction | Decimal) and not isinstance(answer, bool):
        mean = Fraction(answer)
        count = c.parts[p]
        if count % mean.denominator != 0 or not low <= mean <= high:
            return (
                f"indicator {number}: {_given(answer, mean)} is not a mean of {count} levels on the ladder {low}-{high}"
            )
        return (mean if mean.denominator != 1 else mean.numerator), math.floor(mean), None
    if type(answer) is int and low <= answer <= high:
        return answer, answer, None
    if isinstance(answer, Fraction | Decimal):
        whole = _exact(answer)
        if whole is not None and whole.denominator == 1 and low <= whole <= high:
            return whole.numerator, whole.numerator, None
        return f"indicator {number} is answered with a whole level on the ladder {low}-{high}, not a value ({answer})"
    if isinstance(answer, Sequence) and not isinstance(answer, str):
        return f"indicator {number} has no parts: answer it with one level"
    return f"indicator {number}: level {answer!r} is outside the ladder {low}-{high}"


def _given(answer: object, value: Fraction) -> str:
    return str(answer) if isinstance(answer, Decimal) else plain(value)


def _compute_levels(
    framework: Framework, c: _Compiled, levels: Mapping[int, Answer], allow_missing: bool
) -> IndexResult | None:
    """Whole levels only (SPBE files): the original integer hot path, unchanged in its results.

    None when an answer is not a plain level (a mean of parts, a Fraction): the general path takes it then.
    """
    row: list[int | None] = [None] * len(c.numbers)
    problems: list[str] = []
    position = c.position
    for number, level in levels.items():
        p = position.get(number)
        if p is None:
            problems.append(f"indicator {number} is not in {framework.id}")
        elif type(level) is not int:
            if isinstance(level, Fraction | Decimal | Sequence) and not isinstance(level, str):
                return None
            problems.append(f"indicator {number}: level {level!r} is outside the ladder {c.low[p]}-{c.high[p]}")
        elif not c.low[p] <= level <= c.high[p]:
            problems.append(f"indicator {number}: level {level!r} is outside the ladder {c.low[p]}-{c.high[p]}")
        else:
            row[p] = level
    filled: list[int] = []
    if len(levels) != len(c.numbers) or problems:
        for p, slot in enumerate(row):
            if slot is None and c.numbers[p] not in levels:
                filled.append(c.numbers[p])
                row[p] = c.low[p]
        if filled and not allow_missing:
            problems.append("missing indicators: " + ", ".join(str(n) for n in sorted(filled)))
    if problems:
        raise LevelsInvalid(problems)
    full: list[int] = row  # type: ignore[assignment]  # every slot is filled once no problem is left
    return IndexResult(framework, dict(zip(c.numbers, full, strict=True)), tuple(sorted(filled)), _sums(c, full))


def _sums(c: _Compiled, row: Sequence[int]) -> tuple[int, ...]:
    weighted = [value * w for value, w in zip(row, c.weights, strict=True)]
    aspect_sums = [sum(weighted[s:e]) for s, e in c.aspect_slices]
    domain_sums = [sum(aspect_sums[s:e]) for s, e in c.domain_slices]
    return (*aspect_sums, *domain_sums, sum(aspect_sums))
