"""Helpers shared by the evidence views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from indeks.errors import ActionRefused
from indeks.registry.access import actor_of

View = Callable[..., HttpResponseBase]  # pages, redirects and streamed files


def evidence_view(view: View) -> View:
    """Sign-in required; passes the request's actor."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return view(request, actor_of(request), *args, **kwargs)

    return wrapper


def refuse(request: HttpRequest, error: ActionRefused) -> None:
    messages.error(request, error.message)
    for problem in error.problems:
        messages.warning(request, problem)


def too_large(request: HttpRequest) -> ActionRefused | None:
    """The refusal for a file the size-limit handler stopped receiving, if any."""
    from indeks.evidence.storage import too_large as message

    request.FILES  # noqa: B018 (parse the body first: the size-limit handler runs while it is parsed)
    name = getattr(request, "evidence_too_large", None)
    return ActionRefused(message(name)) if name else None


def uploaded_files(request: HttpRequest, field: str) -> list[Any]:
    return [f for f in request.FILES.getlist(field) if f is not None]


def integrity_error(request: HttpRequest, damaged: list[tuple[Any, Any]]) -> HttpResponse:
    """The page for stored files that failed their check, ``damaged`` as (version, blob) pairs: a 409, never a 500.

    The files are already flagged for the national admin (``services.record_integrity_failure``).
    """
    return render(request, "evidence/integrity_error.html", {"damaged": damaged}, status=409)
