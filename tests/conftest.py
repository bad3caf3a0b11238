"""Shared fixtures: the shipped frameworks and a small valid framework file to break in validation tests."""

from __future__ import annotations

import pytest

from indeks.core.framework import Framework
from indeks.core.loader import builtin_ids, load_framework

MINIMAL_FRAMEWORK = """\
format: 1
id: mini
title: Mini
legal_basis: Test regulation
status: provisional
effective_rounds: [2030]
index_name: Indeks Mini
sources:
  - {id: reg, title: The regulation, confidence: firm}
ladders:
  basic:
    name: Basic
    levels:
      - {level: 1, name: One}
      - {level: 2, name: Two}
      - {level: 3, name: Three}
predicates:
  - {name: Low, min: 1, max: 2}
  - {name: High, min: 2, max: 3}
domains:
  - code: "1"
    name: First domain
    weight: 40
    aspects:
      - code: "1"
        name: First aspect
        weight: 40
        indicators:
          - {number: 1, name: Alpha, ladder: basic, weight: 15, refs: [{source: reg, pages: "3"}]}
          - {number: 2, name: Beta, ladder: basic, weight: 25}
  - code: "2"
    name: Second domain
    weight: 60
    aspects:
      - code: "2"
        name: Second aspect
        weight: 60
        indicators:
          - {number: 3, name: Gamma, ladder: basic, weight: 60}
"""


@pytest.fixture(params=builtin_ids())
def shipped(request: pytest.FixtureRequest) -> Framework:
    """Each framework shipped with Indeks in turn."""
    return load_framework(request.param)


@pytest.fixture
def spbe2020() -> Framework:
    return load_framework("spbe-2020")


@pytest.fixture
def mini_text() -> str:
    return MINIMAL_FRAMEWORK


VALUES_FRAMEWORK = """\
format: 1
id: mini
title: Mini
legal_basis: Test regulation
status: provisional
effective_rounds: [2030]
index_name: Indeks Mini
sources:
  - {id: reg, title: The regulation, confidence: firm}
ladders:
  scale:
    name: Scale
    levels:
      - {level: 1, name: One, english: First}
      - {level: 2, name: Two, variants: [Dua]}
      - {level: 3, name: Three}
    values:
      min: 1
      max: 3
      shared_edge: lower_band
      bands:
        - {level: 1, min: 1, max: 1.5}
        - {level: 2, min: 1.5, max: 2.5}
        - {level: 3, min: 2.5, max: 3}
      proposal: {rule: band_share, confidence: provisional}
  plain:
    name: Plain
    levels:
      - {level: 1, name: One}
      - {level: 2, name: Two}
      - {level: 3, name: Three}
predicates:
  - {name: Low, english: Lower, min: 1, max: 2}
  - {name: High, min: 2, max: 3}
external_indices:
  - {id: ext, name: External index, agency: Agency, min: 0, max: 100, confidence: one_source}
grading: {auto_reject: level_below_not_accepted, confidence: one_source}
stages:
  - {code: mandiri, name: Self}
  - {code: dokumen, name: Document}
  - code: interviu
    name: Interview
    objection: {name: Sanggah, english: Objection}
timeline:
  - {round: 2030, stage: mandiri, what: Upload, start: 2030-08-01, end: 2030-09-15}
aspects:
  - code: "1"
    name: First aspect
    weight: 70
    indicators:
      - number: 1
        name: Alpha
        codes: [A-1]
        ladder: scale
        weight: 40
        levels:
          - level: 1
            criteria: First level
            items:
              - {code: I1-L1-01, asks: First item}
              - {code: I1-L1-02, asks: Second item, refs: [{source: reg}]}
          - level: 2
            criteria: Second level
            items:
              - {code: I1-L2-01, asks: Third item, external: {index: ext, min: 0, max: 50}}
              - {code: I1-L2-02, asks: Fourth item}
              - {code: I1-L2-03, asks: Fifth item}
          - level: 3
            criteria: Third level
            evidence: Written out
      - number: 2
        name: Beta
        ladder: scale
        weight: 30
        external:
          index: ext
          pending: 1
          conversion:
            confidence: provisional
            rows:
              - {level: 1, input: [0, 10], value: [1, 1.5]}
              - {level: 2, input: [10, 50], value: [1.5, 2.5]}
              - {level: 3, input: [50, 100], value: [2.5, 3]}
  - code: "2"
    name: Second aspect
    weight: 30
    indicators:
      - number: 3
        name: Gamma
        ladder: plain
        weight: 30
        parts: {count: 3, name: Service}
"""


@pytest.fixture
def values_text() -> str:
    """A small valid file with every part of the format: value bands, items, external inputs, parts, stages."""
    return VALUES_FRAMEWORK
