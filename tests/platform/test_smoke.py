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
