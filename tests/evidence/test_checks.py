"""Evidence warnings per indicator and for the participation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from indeks.evidence import checks, samples, services
from indeks.rounds.models import StageWindow
from tests.platform.conftest import World, add_answer

pytestmark = pytest.mark.usefixtures("english")


def codes(world: World, indicator: int) -> list[str]:
    return [w.code for w in checks.participation_warnings(world.a.participation).get(indicator, [])]


def link(world: World, version: Any, indicator: int) -> None:
    services.link(world.a.actor("coordinator"), world.a.participation, indicator, version)


def test_assessment_date_is_the_dokumen_opening_else_the_mandiri_closing(world: World) -> None:
    dokumen = StageWindow.objects.get(round=world.round, stage="dokumen")
    assert checks.assessment_date(world.a.participation) == timezone.localtime(dokumen.opens).date()
    dokumen.delete()
    world.a.participation.round.refresh_from_db()
    mandiri = StageWindow.objects.get(round=world.round, stage="mandiri")
    assert checks.assessment_date(world.a.participation) == timezone.localtime(mandiri.closes).date()


def test_level_above_minimum_without_evidence(world: World, upload: Any) -> None:
    add_answer(world.a.participation, 12, level=1)
    add_answer(world.a.participation, 13, level=3)
    assert codes(world, 12) == []
    assert codes(world, 13) == ["no_evidence"]
    link(world, upload(world, "a.pdf", samples.text_pdf(["a"]), number="1", issued_on=date(2024, 1, 1)), 13)
    assert codes(world, 13) == []


def test_high_levels_need_a_recent_review_report(world: World, upload: Any) -> None:
    on = checks.assessment_date(world.a.participation)
    add_answer(world.a.participation, 14, level=4)
    policy = upload(world, "p.pdf", samples.text_pdf(["p"]), number="1", issued_on=date(2020, 1, 1))
    link(world, policy, 14)
    assert codes(world, 14) == ["no_review"]
    old = upload(
        world, "r.pdf", samples.text_pdf(["r"]), doc_type="laporan_reviu", number="2", issued_on=on - timedelta(800)
    )
    link(world, old, 14)
    assert codes(world, 14) == ["old_review"]
    message = checks.participation_warnings(world.a.participation)[14][0].message
    assert "less than two years old" in message
    recent = upload(
        world, "n.pdf", samples.text_pdf(["n"]), doc_type="laporan_reviu", number="3", issued_on=on - timedelta(300)
    )
    link(world, recent, 14)
    assert codes(world, 14) == []


def test_policy_indicator_with_only_a_draft(world: World, upload: Any) -> None:
    add_answer(world.a.participation, 1, level=1)
    draft = upload(world, "draft.pdf", samples.text_pdf(["d"]), is_draft=True, number="-", issued_on=date(2025, 1, 1))
    link(world, draft, 1)
    assert codes(world, 1) == ["draft_only"]
    enacted = upload(world, "perwal.pdf", samples.text_pdf(["e"]), number="5", issued_on=date(2025, 2, 1))
    link(world, enacted, 1)
    assert codes(world, 1) == []


def test_service_indicator_without_screenshots(world: World, upload: Any) -> None:
    add_answer(world.a.participation, 35, level=1)
    assert codes(world, 35) == ["no_screenshot"]
    link(world, upload(world, "layar.png", samples.PNG, doc_type="tangkapan_layar"), 35)
    assert codes(world, 35) == []
    assert codes(world, 31) == []  # not a service indicator


def test_formal_documents_without_number_or_date(world: World, upload: Any) -> None:
    add_answer(world.a.participation, 20, level=1)
    link(world, upload(world, "sk.pdf", samples.text_pdf(["sk"]), doc_type="keputusan", title="SK Tim"), 20)
    link(world, upload(world, "m.pdf", samples.text_pdf(["m"]), doc_type="manual", title="Manual"), 20)
    warnings = checks.participation_warnings(world.a.participation)[20]
    assert [w.code for w in warnings] == ["no_number_or_date"]
    assert "SK Tim" in warnings[0].message


def test_other_frameworks_get_only_the_general_checks(world: World) -> None:
    assert "spbe-2020" in checks.GROUPS
    assert checks.years_before(date(2024, 2, 29), 2) == date(2022, 2, 28)
