"""Problem details (RFC 9457): the body of every error the API answers, ``application/problem+json``.

``type`` is ``about:blank`` when the HTTP status says it all; the platform's own kinds have a URN of their own
(``urn:indeks:problem:…``) that stays the same across versions. ``title`` is the same for every problem of a type
(in the request's language), ``detail`` says what happened this time. Extension members: ``problems`` (a refused
action's or an edit conflict's list, as before), ``errors`` (the invalid fields of a 422), ``changes`` and
``version`` (an edit conflict).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext as _

CONTENT_TYPE = "application/problem+json"

ACTION_REFUSED = "urn:indeks:problem:action-refused"
EDIT_CONFLICT = "urn:indeks:problem:edit-conflict"
VALIDATION = "urn:indeks:problem:validation"


def status_title(status: int) -> str:
    titles = {
        400: _("Bad request"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Edit conflict"),
        413: _("Request too large"),
        422: _("Invalid input"),
        429: _("Too many requests"),
        500: _("Server error"),
    }
    return titles.get(status) or _("Error")


def problem(status: int, detail: Any, *, type_: str = "about:blank", title: Any = None, **extra: Any) -> HttpResponse:
    """A problem response; lazy translations in ``detail`` and ``extra`` are rendered in the active language."""
    body = {"type": type_, "title": str(title or status_title(status)), "status": status, "detail": str(detail)}
    body.update(extra)
    # ensure_ascii (the default) writes any character as an escape, so no text of a request can break the encoding.
    return HttpResponse(json.dumps(body, cls=DjangoJSONEncoder), status=status, content_type=CONTENT_TYPE)


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")
