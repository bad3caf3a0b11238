"""A loaded, validated framework: the tree of the file plus the lookups every caller needs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from indeks.core.numbers import plain, round_half_up, to_indonesian
from indeks.core.schema import (
    Aspect,
    Domain,
    EvidenceItem,
    ExternalIndex,
    FrameworkSpec,
    Indicator,
    Ladder,
    LevelCriteria,
    PredicateBand,
    StageSpec,
    ValueBand,
    ValueScale,
)

_ABBREVIATIONS = {"ip/pd": "instansi pusat/pemerintah daerah"}


def normalise_name(name: str) -> str:
    """A key for matching indicator names across reports.

    Case, spacing, spaces around slashes, 'IP/PD' for 'Instansi Pusat/Pemerintah Daerah' and the leading
    'Tingkat Kematangan' do not matter.
    """
    text = name.lower().strip()
    for short, long in _ABBREVIATIONS.items():
        text = text.replace(short, long)
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"[^\w/]+", " ", text)
    text = " ".join(text.split())
    return text.removeprefix("tingkat kematangan ")


def _value_range(ladder: Ladder) -> tuple[Fraction, Fraction]:
    if ladder.values is not None:
        return ladder.values.min, ladder.values.max
    return Fraction(ladder.minimum), Fraction(ladder.maximum)


def level_in_bands(scale: ValueScale, value: Fraction) -> int:
    """The level whose band holds ``value`` (the value must lie in the scale's range)."""
    if scale.shared_edge == "lower_band":
        return next((b.level for b in scale.bands if value <= b.max), scale.bands[-1].level)
    return next((b.level for b in reversed(scale.bands) if value >= b.min), scale.bands[0].level)


class Framework:
    """A framework that passed validation. Build it with :func:`indeks.core.loader.load_framework`."""

    def __init__(self, spec: FrameworkSpec) -> None:
        self.spec = spec
        self.domains: tuple[Domain, ...] = spec.domains
        self.aspects: tuple[Aspect, ...] = tuple(a for d in spec.domains for a in d.aspects) + spec.aspects
        self.indicators: tuple[Indicator, ...] = tuple(
            sorted((i for a in self.aspects for i in a.indicators), key=lambda i: i.number)
        )
        self._by_number = {i.number: i for i in self.indicators}
        self._aspect_of = {i.number: a for a in self.aspects for i in a.indicators}
        self._domain_of = {a.code: d for d in self.domains for a in d.aspects}
        self._by_name: dict[str, Indicator] = {}
        for indicator in self.indicators:
            for name in (indicator.name, *indicator.variants, *indicator.codes):
                self._by_name.setdefault(normalise_name(name), indicator)
        ladders = [spec.ladders[i.ladder] for i in self.indicators]
        self.min_level = min(ladder.minimum for ladder in ladders)
        self.max_level = max(ladder.maximum for ladder in ladders)
        self.min_value: Fraction = min(_value_range(ladder)[0] for ladder in ladders)
        """The lowest value any indicator (and so the index) can take."""
        self.max_value: Fraction = max(_value_range(ladder)[1] for ladder in ladders)
        """The highest value any indicator (and so the index) can take."""
        self._external = {x.id: x for x in spec.external_indices}
        self._items: dict[str, tuple[Indicator, LevelCriteria, EvidenceItem]] = {
            item.code: (indicator, crit, item)
            for indicator in self.indicators
            for crit in indicator.levels
            for item in crit.items
        }

    @property
    def id(self) -> str:
        """The framework id, e.g. 'spbe-2020'."""
        return self.spec.id

    @property
    def has_domains(self) -> bool:
        """Whether aspects are grouped in domains (SPBE) or not (Pemdi 2026)."""
        return bool(self.domains)

    @property
    def places(self) -> int:
        """Decimals of a shown value."""
        return self.spec.rounding.places

    def indicator(self, number: int) -> Indicator:
        """The indicator with ``number``; KeyError when the framework has none."""
        return self._by_number[number]

    def has_indicator(self, number: int) -> bool:
        """Whether ``number`` is an indicator of this framework."""
        return number in self._by_number

    def ladder_of(self, indicator: Indicator | int) -> Ladder:
        """The level ladder an indicator is answered on."""
        item = self.indicator(indicator) if isinstance(indicator, int) else indicator
        return self.spec.ladders[item.ladder]

    def value_scale(self, indicator: Indicator | int) -> ValueScale | None:
        """The value scale of an indicator answered with a value (None for one answered with a whole level)."""
        return self.ladder_of(indicator).values

    def takes_value(self, indicator: Indicator | int) -> bool:
        """Whether the indicator is answered with a decimal value (Pemdi) rather than a whole level (SPBE)."""
        return self.ladder_of(indicator).values is not None

    def band(self, indicator: Indicator | int, level: int) -> ValueBand:
        """The band of values of ``level`` on the indicator's value scale; ValueError for a level indicator."""
        scale = self._scale(indicator)
        return next(b for b in scale.bands if b.level == level)

    def level_of_value(self, indicator: Indicator | int, value: Fraction) -> int:
        """The level whose band holds ``value`` (a value on a shared edge goes where ``shared_edge`` says)."""
        scale = self._scale(indicator)
        return level_in_bands(scale, value)

    def show_value(self, indicator: Indicator | int, value: Fraction) -> str:
        """A value as the assessors show it: ``Level 2 · 1,75`` (rounded half-up for display only)."""
        level = self.level_of_value(indicator, value)
        return f"Level {level} · {to_indonesian(round_half_up(value, self.places))}"

    def _scale(self, indicator: Indicator | int) -> ValueScale:
        scale = self.ladder_of(indicator).values
        if scale is None:
            item = self.indicator(indicator) if isinstance(indicator, int) else indicator
            raise ValueError(f"indicator {item.number} is answered with a whole level, not a value")
        return scale

    def external_index(self, index_id: str) -> ExternalIndex:
        """The other agency's index with ``index_id``; KeyError when the file declares none."""
        return self._external[index_id]

    def convert(self, indicator: Indicator | int, raw: Fraction) -> Fraction:
        """The indicator value given by its external index's value ``raw`` (the file's conversion table, exact).

        ValueError when the indicator has no external input or ``raw`` is outside the index's range.
        """
        item = self.indicator(indicator) if isinstance(indicator, int) else indicator
        feed = item.external
        if feed is None:
            raise ValueError(f"indicator {item.number} does not take its value from another agency's index")
        index = self._external[feed.index]
        if not index.min <= raw <= index.max:
            raise ValueError(
                f"indicator {item.number}: {index.id} value {plain(raw)} is outside its range "
                f"{plain(index.min)}-{plain(index.max)}"
            )
        for row in feed.conversion.rows:
            (in_low, in_high), (out_low, out_high) = row.input, row.value
            if raw <= in_high:
                return out_low + (raw - in_low) * (out_high - out_low) / (in_high - in_low)
        raise AssertionError("validated tables cover the index range")  # pragma: no cover

    def item(self, code: str) -> tuple[Indicator, LevelCriteria, EvidenceItem]:
        """The evidence item with ``code`` and the indicator and level it belongs to; KeyError when unknown."""
        return self._items[code]

    @property
    def stages(self) -> tuple[StageSpec, ...]:
        """The stages the framework file declares, in round order (empty when it declares none)."""
        return self.spec.stages

    @property
    def objection_stage(self) -> StageSpec | None:
        """The stage that holds the objection step (sanggah), when the framework has one."""
        return next((s for s in self.spec.stages if s.objection is not None), None)

    def aspect_of(self, number: int) -> Aspect:
        """The aspect that holds indicator ``number``."""
        return self._aspect_of[number]

    def domain_of(self, aspect: Aspect) -> Domain | None:
        """The domain that holds ``aspect`` (None in a framework without domains)."""
        return self._domain_of.get(aspect.code)

    def find_indicator(self, key: str) -> Indicator | None:
        """Match an indicator by number first, then by its official name or an accepted variant."""
        text = key.strip()
        if text.isdigit():
            return self._by_number.get(int(text))
        return self._by_name.get(normalise_name(text))

    def predicate_for(self, value: Fraction) -> PredicateBand:
        """The predicate band holding ``value`` (lower bounds inclusive; the top band includes its max)."""
        bands = self.spec.predicates
        for band in reversed(bands):
            if value >= band.min:
                return band
        return bands[0]

    def missing(self, numbers: Iterable[int]) -> list[int]:
        """Indicator numbers of this framework not in ``numbers``."""
        given = set(numbers)
        return [i.number for i in self.indicators if i.number not in given]

    def __repr__(self) -> str:
        return f"<Framework {self.id}: {len(self.aspects)} aspects, {len(self.indicators)} indicators>"
