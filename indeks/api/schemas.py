"""API payloads. Numbers of the index are strings with a decimal point, as in `indeks calc --format json`."""

from __future__ import annotations

from ninja import Schema


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


class AnswerIn(Schema):
    level: int | None = None
    fakta: str = ""
    analisis: str = ""
    version: int | None = None


class ReturnIn(Schema):
    note: str = ""  # only ``return`` needs it; ``{}`` is a valid body for the other steps


class ErrorOut(Schema):
    detail: str
    problems: list[str] = []
