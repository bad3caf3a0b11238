"""Query budgets per page: a fixed number of queries, whatever the number of indicators, answers or agencies."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indeks.assessment.models import Answer, AnswerStatus
from tests.platform.conftest import World, make_agency

BUDGETS = {
    "home": 5,
    "assessment:dashboard": 12,
    "assessment:indicator": 15,  # +2: stages released or published, for the external history
    "assessment:assignments": 12,
    "assessment:general": 10,
    "assessment:submission": 12,
}


def _fill(world: World) -> None:
    Answer.objects.bulk_create(
        Answer(
            participation=world.a.participation,
            indicator=n,
            level=3,
            fakta="f",
            analisis="a",
            status=AnswerStatus.ACCEPTED,
        )
        for n in range(1, 48)
    )


def _url(name: str, world: World) -> str:
    if name == "home":
        return reverse("home")
    args = (world.a.participation.pk, 5) if name == "assessment:indicator" else (world.a.participation.pk,)
    return reverse(name, args=args)


def _count(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", list(BUDGETS))
def test_page_within_budget_and_independent_of_size(world: World, name: str) -> None:
    client = world.a.client("coordinator")
    empty = _count(client, _url(name, world))
    _fill(world)
    for k in range(5):  # more agencies in the round must not cost queries on this agency's pages
        make_agency(world.round, f"99.{k:02d}", f"Kabupaten Uji {k}", kind="kabupaten")
    full = _count(client, _url(name, world))
    assert full <= BUDGETS[name], f"{name}: {full} queries"
    assert full <= empty + 1, f"{name}: {empty} queries empty, {full} with 47 answers"


def test_round_page_for_admin_is_paginated_and_bounded(world: World) -> None:
    client = world.a.client("coordinator")
    client.force_login(world.admin)
    url = reverse("rounds:detail", args=(world.round.pk,))
    small = _count(client, url)
    for k in range(30):
        make_agency(world.round, f"98.{k:02d}", f"Kota Uji {k}")
    assert _count(client, url) == small
