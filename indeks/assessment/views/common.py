"""Helpers shared by the assessment views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from indeks.assessment.selectors import get_participation
from indeks.errors import ActionRefused
from indeks.registry.access import actor_of
from indeks.rounds.models import Participation

View = Callable[..., HttpResponseBase]  # pages, redirects and streamed files


def participation_view(view: View) -> View:
    """Sign-in required; loads the participation in the actor's scope (404 otherwise) and passes both."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponseBase:
        actor = actor_of(request)
        participation = get_participation(actor, pk)
        return view(request, actor, participation, *args, **kwargs)

    return wrapper


def refuse(request: HttpRequest, error: ActionRefused) -> None:
    """Show a refused action as a message (and its problems)."""
    messages.error(request, error.message)
    for problem in error.problems:
        messages.warning(request, problem)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


__all__ = ["Participation", "is_htmx", "participation_view", "refuse"]
