"""The framework file as typed data: pydantic models of the YAML format (docs/framework-format.md).

These models check shape and types; :mod:`indeks.core.validation` checks the rules that span the tree
(weight sums, ladders, predicate bands). Models are frozen: a loaded framework never changes.
"""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from indeks.core.numbers import exact_str, parse_exact

Exact = Annotated[
    Fraction,
    BeforeValidator(parse_exact),
    PlainSerializer(lambda v: exact_str(v, min_places=0), return_type=str),
]
Code = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v), Field(min_length=1)]
Text = Annotated[str, Field(min_length=1)]


class Status(StrEnum):
    """Whether a framework file follows the regulation text itself or secondary sources."""

    OFFICIAL = "official"
    PROVISIONAL = "provisional"


class Confidence(StrEnum):
    """How sure we are of a fact (FRAMEWORKS.md marks)."""

    FIRM = "firm"
    ONE_SOURCE = "one_source"
    PROVISIONAL = "provisional"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Source(_Model):
    """A document the framework file is built from."""

    id: Text
    title: Text
    url: str | None = None
    confidence: Confidence


class Ref(_Model):
    """A page reference into a source (PDF page numbers)."""

    source: Text
    pages: Annotated[str | None, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)] = None


class LadderLevel(_Model):
    """One rung of a level ladder, e.g. 3 Terdefinisi."""

    level: int
    name: Text


class Ladder(_Model):
    """A named ladder of maturity levels (process capability, service capability, 2018's 0-5)."""

    name: Text
    levels: tuple[LadderLevel, ...] = Field(min_length=1)

    @property
    def minimum(self) -> int:
        """The lowest level: what an indicator scores with nothing in place."""
        return min(rung.level for rung in self.levels)

    @property
    def maximum(self) -> int:
        """The highest level."""
        return max(rung.level for rung in self.levels)

    def name_of(self, level: int) -> str:
        """The ladder's name for ``level`` (e.g. 'Terdefinisi')."""
        return next(rung.name for rung in self.levels if rung.level == level)


class LevelCriteria(_Model):
    """What one level of one indicator requires, in the project's own words, and the evidence for it."""

    level: int
    criteria: Text
    evidence: Text
    refs: tuple[Ref, ...] = ()


class Indicator(_Model):
    """An indicator: the unit that is answered with a level and weighted into the index."""

    number: int = Field(ge=1)
    name: Text
    variants: tuple[Text, ...] = ()
    ladder: Text
    weight: Exact
    confidence: Confidence = Confidence.FIRM
    question: str | None = None
    refs: tuple[Ref, ...] = ()
    levels: tuple[LevelCriteria, ...] = ()

    def criteria_for(self, level: int) -> LevelCriteria | None:
        """The criteria of ``level``, when the framework file has them."""
        return next((c for c in self.levels if c.level == level), None)


class Aspect(_Model):
    """An aspect: a weighted group of indicators."""

    code: Code
    name: Text
    weight: Exact
    indicators: tuple[Indicator, ...] = Field(min_length=1)


class Domain(_Model):
    """A domain: a weighted group of aspects (frameworks may have none)."""

    code: Code
    name: Text
    weight: Exact
    aspects: tuple[Aspect, ...] = Field(min_length=1)


class PredicateBand(_Model):
    """A predicate band: ``min`` inclusive, ``max`` exclusive except for the top band."""

    name: Text
    label: str | None = None
    min: Exact
    max: Exact

    @property
    def display_name(self) -> str:
        """The name with its label, e.g. 'Kurang (Merintis)'."""
        return f"{self.name} ({self.label})" if self.label else self.name


class Rounding(_Model):
    """The official rounding of shown values."""

    places: int = Field(default=2, ge=0, le=6)
    mode: Literal["half_up"] = "half_up"


class FrameworkSpec(_Model):
    """A whole framework file."""

    format: Literal[1]
    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    title: Text
    legal_basis: Text
    status: Status
    effective_rounds: tuple[int, ...] = Field(min_length=1)
    index_name: Text
    notes: str | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    rounding: Rounding = Rounding()
    ladders: dict[str, Ladder] = Field(min_length=1)
    predicates: tuple[PredicateBand, ...] = Field(min_length=1)
    domains: tuple[Domain, ...] = ()
    aspects: tuple[Aspect, ...] = ()
