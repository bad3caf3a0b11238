"""Query budgets of the external assessment pages: a fixed number of queries, whatever the number of answers,
stages scored, clarifications, reviews, revisions or agencies (assigned to the assessor or not).

Each budget is the count measured on the full data plus two queries of headroom.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indeks.external import services
from indeks.external.models import AspectNote, Recommendation, ReviewDecision
from indeks.results import services as results
from indeks.rounds.models import AssessorAssignment
from tests.external.conftest import (
    ExternalWorld,
    add_stage_levels,
    score_document_review,
    submit_self_assessment,
)
from tests.platform.conftest import login, make_agency

BUDGETS = {
    "queue": 12,
    "worklist": 12,
    "score": 15,
    "review agency": 10,
    "result": 16,
    "finalisation": 9,
}


def _pages(w: ExternalWorld) -> dict[str, tuple[Any, str]]:
    pid = w.a.participation.pk
    return {
        "queue": (w.assessor1, reverse("external:queue")),
        "worklist": (w.assessor1, reverse("external:worklist", args=(pid, "visitasi"))),
        "score": (w.assessor1, reverse("external:score", args=(pid, "interviu", 5))),
        "review agency": (w.reviewer, reverse("external:review_agency", args=(pid,))),
        "result": (w.a.users["coordinator"], reverse("results:agency", args=(pid,))),
        "finalisation": (w.admin, reverse("results:finalisation", args=(w.round.pk,))),
    }


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _more_agencies(w: ExternalWorld, count: int = 10, prefix: str = "99") -> None:
    """More agencies in the round, each assigned to assessor1, submitted and scored at the document stage."""
    for k in range(count):
        agency = make_agency(w.round, f"{prefix}.{k:02d}", f"Kabupaten Uji {prefix}-{k}", kind="kabupaten")
        submit_self_assessment(agency)
        score_document_review(agency.participation)
        AssessorAssignment.objects.create(round=w.round, agency=agency.agency, assessor=w.assessor1)
        services.ask(w.act(w.assessor1), agency.participation, 3, "dokumen", "Pertanyaan?")


def _fill(w: ExternalWorld) -> None:
    """Agency A through every stage: levels, clarifications, notes, reviews with corrections, two revisions."""
    a = w.a.participation
    score_document_review(a)
    add_stage_levels(a, "interviu", {n: 4 for n in range(1, 11)})
    add_stage_levels(a, "visitasi", {n: 2 for n in range(20, 26)})
    score_document_review(w.b.participation)
    assessor = w.act(w.assessor1)
    for n in range(1, 13):
        item = services.ask(assessor, a, n, "dokumen", f"Pertanyaan {n}")
        if n % 2:
            services.answer_clarification(w.a.actor("coordinator"), item, f"Jawaban {n}")
    for aspect in w.round.framework.aspects:
        AspectNote.objects.create(participation=a, aspect=aspect.code, strengths="Kuat", weaknesses="Lemah")
    Recommendation.objects.create(participation=a, summary="Ringkasan", advice="Saran")
    ReviewDecision.objects.bulk_create(
        ReviewDecision(participation=a, indicator=i.number, valid=True, decided_by=w.reviewer)
        for i in w.round.framework.indicators
    )
    for n in (7, 8, 9):
        services.review(w.act(w.reviewer), a, n, valid=False, reason="Koreksi", level=1)
    services.release(w.act(w.admin), [a], "dokumen")
    services.release(w.act(w.admin), [a], "interviu")
    _more_agencies(w)
    others = {p.pk for p in results.unreviewed(w.round)}
    admin = w.act(w.admin)
    results.publish(admin, results.finalise(admin, w.round, excluded=others))
    results.finalise(admin, w.round, excluded=others, note="Koreksi")


def _grow(w: ExternalWorld) -> None:
    """More of everything: agencies, levels at the later stages, clarifications, corrections."""
    a = w.a.participation
    _more_agencies(w, 10, "95")
    add_stage_levels(a, "interviu", {n: 3 for n in range(11, 40)})
    add_stage_levels(a, "visitasi", {n: 3 for n in range(30, 47)})
    for n in range(13, 30):
        services.ask(w.act(w.assessor1), a, n, "interviu", f"Pertanyaan {n}")
    for n in range(30, 40):
        services.review(w.act(w.reviewer), a, n, valid=False, reason="Koreksi", level=2)
    services.release(w.act(w.admin), [a], "visitasi")


@pytest.mark.parametrize("name", list(BUDGETS))
def test_page_within_budget_and_independent_of_size(external_world: ExternalWorld, name: str) -> None:
    w = external_world
    user, url = _pages(w)[name]
    client = login(user)
    _count(client, url)  # the empty round renders too
    _fill(w)
    full = _count(client, url)
    assert full <= BUDGETS[name], f"{name}: {full} queries"
    _grow(w)
    assert _count(client, url) == full, f"{name}: more answers, clarifications or agencies cost queries"


def test_queue_cost_does_not_grow_with_assigned_agencies(external_world: ExternalWorld) -> None:
    w = external_world
    client = login(w.assessor1)
    url = reverse("external:queue")
    one = _count(client, url)
    _more_agencies(w, 10, "97")
    eleven = _count(client, url)
    _more_agencies(w, 10, "96")
    page = client.get(url).content.decode()
    assert page.count("Kabupaten Uji") == 20
    assert eleven == one == _count(client, url)
    assert eleven <= BUDGETS["queue"]


@pytest.mark.parametrize("stage", ["dokumen", "interviu", "visitasi"])
def test_worklist_of_every_stage_within_budget(external_world: ExternalWorld, stage: str) -> None:
    w = external_world
    _fill(w)
    count = _count(login(w.assessor1), reverse("external:worklist", args=(w.a.participation.pk, stage)))
    assert count <= BUDGETS["worklist"]
