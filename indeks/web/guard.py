"""The door every request passes: its query string and its form fields are checked against the text rule, and
an id in its URL beyond what a database holds is a 404.

``guard_urls`` wraps every view of the URL map (``indeks/urls.py`` calls it once), so no view, form or service sees
a field with a forbidden character (``indeks.text``). The query string is checked before the view runs. A form
post is checked when it is parsed, which may be inside the view: the evidence uploads install their size limit
before the body is read, so the body must not be read earlier than the view wants.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import URLPattern, URLResolver
from django.utils.datastructures import MultiValueDict

from indeks.text import UnsafeText, check_items

View = Callable[..., HttpResponse]
# The largest id a database row can have (a 64-bit key). A URL with a larger one names nothing: 404, before a
# query that SQLite cannot even send ("Python int too large to convert to SQLite INTEGER").
LARGEST_ID = 2**63 - 1


def _check_post_when_parsed(request: HttpRequest) -> None:
    if hasattr(request, "_post"):  # already parsed (the CSRF check reads the form first)
        check_items("form", request.POST.lists())
        return
    load = request._load_post_and_files

    def load_and_check() -> None:
        load()
        try:
            check_items("form", request._post.lists())  # type: ignore[attr-defined]
        except UnsafeText:
            # Whoever catches the refusal finds nothing to store.
            request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
            raise

    # The parse is Django's own; checking right after it works whoever reads the body first, the view included.
    request._load_post_and_files = load_and_check  # type: ignore[method-assign]


def guard(view: View) -> View:
    """Refuse a request whose query string or form holds a forbidden character (400, or 422 in the API)."""
    if getattr(view, "text_guarded", False):
        return view

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from indeks.web.errors import refuse_text

        if any(isinstance(v, int) and not -LARGEST_ID <= v <= LARGEST_ID for v in kwargs.values()):
            raise Http404
        try:
            check_items("query", request.GET.lists())
            _check_post_when_parsed(request)
            return view(request, *args, **kwargs)
        except UnsafeText as error:
            return refuse_text(request, error)

    guarded.text_guarded = True  # type: ignore[attr-defined]
    return guarded


def guard_urls(patterns: list[Any]) -> list[Any]:
    """Guard every view of a URL map, included maps too (in place; guarding twice changes nothing)."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            guard_urls(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            entry.callback = guard(entry.callback)
    return patterns


def unguarded(patterns: list[Any], prefix: str = "") -> list[str]:
    """The routes of a URL map whose view is not guarded (a test asserts there are none)."""
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += unguarded(entry.url_patterns, prefix + str(entry.pattern))
        elif not getattr(entry.callback, "text_guarded", False):
            found.append(prefix + str(entry.pattern))
    return found
