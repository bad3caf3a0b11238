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
