"""Template context shared by every page: the actor's roles for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from indeks.registry.access import Actor


def actor_of(request: HttpRequest) -> Actor:
    """The request's actor, loaded once per request."""
    actor = getattr(request, "_indeks_actor", None)
    if actor is None:
        actor = Actor.of(request.user)
        request._indeks_actor = actor  # type: ignore[attr-defined]
    return actor


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    return {"actor": actor_of(request)}
