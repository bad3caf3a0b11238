"""The framework file as typed data: pydantic models of the YAML format (docs/framework-format.md).

These models check shape and types; :mod:`indeks.core.validation` checks the rules that span the tree
(weight sums, ladders, predicate and value bands, item codes, conversion tables, stages). Models are frozen: a
loaded framework never changes.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

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


class Basis(StrEnum):
    """How a criterion or evidence item was obtained from secondary material (pemdi-2026-criteria.md marks).

    ``secondary``: two secondary sources agree; ``draft``: only a pre-regulation draft has it; ``inferred``: the
    project's own reading of the material; ``not_found``: no source has it (the file says so instead of inventing).
    """

    SECONDARY = "secondary"
    DRAFT = "draft"
    INFERRED = "inferred"
    NOT_FOUND = "not_found"


class Stage(StrEnum):
    """The stages of a round, in order (the review correction last). A framework file lists the ones it has."""

    MANDIRI = "mandiri"
    DOKUMEN = "dokumen"
    INTERVIU = "interviu"
    VISITASI = "visitasi"
    REVIU = "reviu"


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


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
    """One rung of a level ladder, e.g. 3 Terdefinisi; other names in use and the English label."""

    level: int
    name: Text
    variants: tuple[Text, ...] = ()
    english: str | None = None


class ValueBand(_Model):
    """The values of one level: a level is a band of values (e.g. level 2 = 1.50 to 2.50)."""

    level: int
    min: Exact
    max: Exact


class ProposalRule(_Model):
    """How the platform may *propose* a value from item verdicts; the assessor's value is what counts.

    ``band_share``: level k accepted in full = the top of band k; the share of items accepted at level k+1 moves
    the value linearly into band k+1 (exact fractions).
    """

    rule: Literal["band_share"]
    confidence: Confidence
    note: str | None = None
    refs: tuple[Ref, ...] = ()


class ValueScale(_Model):
    """Indicators on a ladder with a value scale are answered with a decimal value in ``min``..``max``."""

    min: Exact
    max: Exact
    shared_edge: Literal["lower_band", "upper_band"]
    bands: tuple[ValueBand, ...] = Field(min_length=1)
    confidence: Confidence = Confidence.FIRM
    note: str | None = None
    refs: tuple[Ref, ...] = ()
    proposal: ProposalRule | None = None


class Ladder(_Model):
    """A named ladder of maturity levels (process capability, service capability, 2018's 0-5).

    With ``values``, the indicators on it are answered with a value inside the band of a level, not a whole level.
    """

    name: Text
    levels: tuple[LadderLevel, ...] = Field(min_length=1)
    values: ValueScale | None = None

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

    def rung(self, level: int) -> LadderLevel:
        """The rung of ``level``."""
        return next(rung for rung in self.levels if rung.level == level)


class ItemExternal(_Model):
    """An evidence item met by another agency's index: its value must lie in ``min``..``max``."""

    index: Text
    min: Exact
    max: Exact


class EvidenceItem(_Model):
    """One evidence item (butir, "Data Dukung") of a level, graded on its own by the external assessor."""

    code: Text
    asks: Text
    confidence: Confidence = Confidence.FIRM
    basis: Basis | None = None
    note: str | None = None
    external: ItemExternal | None = None
    refs: tuple[Ref, ...] = ()


def _evidence_from_items(data: Any) -> Any:
    """Let ``evidence`` be left out when ``items`` are given: it then reads as the list of items."""
    if isinstance(data, dict) and "evidence" not in data and isinstance(data.get("items"), list):
        parts = [
            f"{item['code']}: {item['asks'].rstrip('.')}"
            for item in data["items"]
            if isinstance(item, dict) and isinstance(item.get("code"), str) and isinstance(item.get("asks"), str)
        ]
        if parts:
            return {**data, "evidence": "; ".join(parts)}
    return data


class LevelCriteria(_Model):
    """What one level of one indicator requires, in the project's own words, and the evidence for it."""

    level: int
    criteria: Text
    conditions: tuple[Text, ...] = ()
    evidence: Text
    items: tuple[EvidenceItem, ...] = ()
    notes: tuple[Text, ...] = ()
    confidence: Confidence = Confidence.FIRM
    basis: Basis | None = None
    refs: tuple[Ref, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _fill_evidence(cls, data: Any) -> Any:
        return _evidence_from_items(data)


class ConversionRow(_Model):
    """One row of a conversion table: another index's ``input`` range onto a ``value`` range inside a level's band.

    Inside the row the conversion is linear; a row with equal value bounds gives that one value.
    """

    level: int
    input: tuple[Exact, Exact]
    value: tuple[Exact, Exact]


class Conversion(_Model):
    """How another agency's index turns into an indicator value."""

    rows: tuple[ConversionRow, ...] = Field(min_length=1)
    confidence: Confidence
    note: str | None = None
    refs: tuple[Ref, ...] = ()


class ExternalInput(_Model):
    """An indicator whose value comes from another agency's index, converted by a table; ``pending`` meanwhile."""

    index: Text
    pending: Exact
    conversion: Conversion


class Parts(_Model):
    """An indicator answered once per part (e.g. three public services); its value is the mean of the parts."""

    count: int = Field(ge=2)
    name: Text
    confidence: Confidence = Confidence.FIRM
    note: str | None = None


class Indicator(_Model):
    """An indicator: the unit that is answered with a level (or a value) and weighted into the index."""

    number: int = Field(ge=1)
    name: Text
    variants: tuple[Text, ...] = ()
    codes: tuple[Text, ...] = ()
    ladder: Text
    weight: Exact
    confidence: Confidence = Confidence.FIRM
    question: str | None = None
    measures: str | None = None
    supervising_agencies: tuple[Text, ...] = ()
    refs: tuple[Ref, ...] = ()
    parts: Parts | None = None
    external: ExternalInput | None = None
    supporting: tuple[Text, ...] = ()
    notes: tuple[Text, ...] = ()
    levels: tuple[LevelCriteria, ...] = ()

    def criteria_for(self, level: int) -> LevelCriteria | None:
        """The criteria of ``level``, when the framework file has them."""
        return next((c for c in self.levels if c.level == level), None)

    @property
    def items(self) -> tuple[EvidenceItem, ...]:
        """Every evidence item of every level, in level order."""
        return tuple(item for crit in self.levels for item in crit.items)


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
    english: str | None = None
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


class ExternalIndex(_Model):
    """Another agency's index that feeds indicators or evidence items (Indeks SDI, SJIG, IPS, IKASANDI)."""

    id: Text
    name: Text
    agency: Text
    min: Exact
    max: Exact
    confidence: Confidence
    url: str | None = None
    note: str | None = None
    refs: tuple[Ref, ...] = ()


class Objection(_Model):
    """The objection step (sanggah) of a stage: the agency may contest what the stage before released.

    An objection is per evidence item or per value (``per``); the outcome is recorded at this stage, so by
    carry-forward it counts over the earlier stage.
    """

    name: Text
    english: str | None = None
    per: tuple[Literal["item", "value"], ...] = Field(default=("item", "value"), min_length=1)
    confidence: Confidence = Confidence.FIRM
    note: str | None = None
    refs: tuple[Ref, ...] = ()


class StageSpec(_Model):
    """One stage of the framework's round, in round order."""

    code: Stage
    name: Text
    english: str | None = None
    optional: bool = False
    objection: Objection | None = None
    confidence: Confidence = Confidence.FIRM
    note: str | None = None
    refs: tuple[Ref, ...] = ()


class TimelineEntry(_Model):
    """A dated period of a round (evidence upload, interviews, visits, results)."""

    round: int
    what: Text
    start: datetime.date
    end: datetime.date
    stage: Stage | None = None
    confidence: Confidence = Confidence.FIRM
    note: str | None = None
    refs: tuple[Ref, ...] = ()


class Grading(_Model):
    """How evidence items are graded: the verdicts are fixed (:class:`indeks.core.items.Verdict`).

    ``auto_reject: level_below_not_accepted``: every item of a level is rejected automatically while the level
    below is not accepted (all its items accepted).
    """

    auto_reject: Literal["level_below_not_accepted"] | None = None
    confidence: Confidence = Confidence.FIRM
    note: str | None = None
    refs: tuple[Ref, ...] = ()


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
    external_indices: tuple[ExternalIndex, ...] = ()
    grading: Grading | None = None
    stages: tuple[StageSpec, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    domains: tuple[Domain, ...] = ()
    aspects: tuple[Aspect, ...] = ()
