"""A loaded, validated framework: the tree of the file plus the lookups every caller needs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from indeks.core.schema import Aspect, Domain, FrameworkSpec, Indicator, Ladder, PredicateBand

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
            for name in (indicator.name, *indicator.variants):
                self._by_name.setdefault(normalise_name(name), indicator)
        ladders = [spec.ladders[i.ladder] for i in self.indicators]
        self.min_level = min(ladder.minimum for ladder in ladders)
        self.max_level = max(ladder.maximum for ladder in ladders)

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

    def aspect_of(self, number: int) -> Aspect:
        """The aspect that holds indicator ``number``."""
        return self._aspect_of[number]

    def domain_of(self, aspect: Aspect) -> Domain | None:
        """The domain that holds ``aspect`` (None in a framework without domains)."""
        return self._domain_of.get(aspect.code)

    def find_indicator(self, key: str) -> Indicator | None:
        """Match an indicator by number first, then by its official name or an accepted variant."""
        text = key.strip()
        if text.isascii() and text.isdigit() and len(text) <= 9:  # int() refuses ² and very long digit strings
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
