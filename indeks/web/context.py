"""Template context shared by every page: the actor's roles for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from indeks.registry.access import actor_of

__all__ = ["actor_of", "navigation"]


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    return {"actor": actor_of(request)}
