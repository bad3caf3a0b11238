"""Every page of the platform renders for its users (a first guard; the detailed tests live beside this)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.platform.conftest import World


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("assessment:dashboard", ()),
        ("assessment:indicator", (1,)),
        ("assessment:assignments", ()),
        ("assessment:general", ()),
        ("assessment:submission", ()),
    ],
)
def test_coordinator_pages_render(world: World, name: str, args: tuple[int, ...]) -> None:
    client = world.a.client("coordinator")
    response = client.get(reverse(name, args=(world.a.participation.pk, *args)))
    assert response.status_code == 200
    assert world.a.agency.name.encode() in response.content


def test_return_note_stays_visible_until_resubmitted(world: World) -> None:
    from indeks.assessment import services

    p, unit, coordinator = world.a.participation, world.a.actor("respondent_kominfo"), world.a.actor("coordinator")
    answer = services.save_answer(unit, p, 12, level=2, fakta="f", analisis="a", version=None)
    services.submit_answer(unit, p, 12)
    services.return_answer(coordinator, p, 12, "Lampirkan SK penetapan.")
    services.save_answer(unit, p, 12, level=3, fakta="f2", analisis="a2", version=answer.version + 2)
    page = world.a.client("respondent_kominfo").get(reverse("assessment:indicator", args=(p.pk, 12)))
    assert "Lampirkan SK penetapan." in page.content.decode()
    services.submit_answer(unit, p, 12)
    page = world.a.client("respondent_kominfo").get(reverse("assessment:indicator", args=(p.pk, 12)))
    assert 'data-testid="return-note"' not in page.content.decode()


def test_large_ids_are_not_localized_in_forms(world: World) -> None:
    """Ids above 999 must reach forms as plain digits (never 12.345 in Indonesian)."""
    from indeks.assessment.models import GeneralQuestion

    GeneralQuestion.objects.create(pk=12345, round=world.round, number=1, text="Pertanyaan umum")
    page = world.a.client("coordinator").get(reverse("assessment:general", args=(world.a.participation.pk,)))
    assert 'name="question" value="12345"' in page.content.decode()
