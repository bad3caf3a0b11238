"""API payloads. Numbers of the index are strings with a decimal point, as in `indeks calc --format json`.

Every payload the API reads derives from ``InputSchema``: each of its fields, nested values included, is checked
against the text rule (``indeks.text``), so a NUL or an unpaired surrogate is a 422 naming the field, never a
500 from the database. Integers are bounded to what every database stores.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from indeks.text import nested_problem

# Numbers the API reads are bounded by their columns: a level, an indicator number or a version fits a signed 32-bit
# integer, an id a 64-bit key. A larger one names nothing (422), it never reaches a query.
SmallInt = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Id = Annotated[int, Field(ge=0, le=2**63 - 1)]


class InputSchema(Schema):
    """A request payload: no field may hold a forbidden character (``indeks.text``)."""

    @field_validator("*", mode="before")
    @classmethod
    def _safe_text(cls, value: Any, info: ValidationInfo) -> Any:
        problem = nested_problem(info.field_name or "", value)
        if problem:
            raise PydanticCustomError("text", "{message}", {"message": problem})
        return value


class ParticipationOut(Schema):
    id: int
    agency_code: str
    agency_name: str
    round: str
    year: int
    framework: str
    activity: str
    status: str


class NodeOut(Schema):
    code: str
    name: str
    exact: str
    value: str
    predicate: str


class IndexOut(Schema):
    exact: str
    value: str
    predicate: str


class ResultOut(Schema):
    framework: str
    index: IndexOut
    domains: list[NodeOut]
    aspects: list[NodeOut]
    filled_in: list[int]


class AnswerOut(Schema):
    indicator: int
    level: int | None
    fakta: str
    analisis: str
    status: str
    needs_recheck: bool
    version: int


class AnswerIn(InputSchema):
    level: SmallInt | None = None
    fakta: str = Field("", max_length=20000)
    analisis: str = Field("", max_length=20000)
    version: SmallInt | None = None


class ReturnIn(InputSchema):
    note: str = Field("", max_length=5000)  # only ``return`` needs it; ``{}`` is a valid body for the other steps


class FieldErrorOut(Schema):
    loc: list[str | int]
    field: str
    msg: str
    type: str


class ChangeOut(Schema):
    field: str
    saved: Any
    yours: Any


class ProblemOut(Schema):
    """Problem details (RFC 9457), ``application/problem+json``; the extension members appear where they apply."""

    type: str
    title: str
    status: int
    detail: str
    problems: list[str] | None = None
    errors: list[FieldErrorOut] | None = None
    changes: list[ChangeOut] | None = None
    version: int | None = None
