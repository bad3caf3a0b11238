"""Every error of the API as problem details (RFC 9457, ``indeks.problems``), never a traceback.

``install`` registers one django-ninja exception handler per kind of error; endpoints raise (``Http404``,
``PermissionDenied``, ``ActionRefused``, ``EditConflict``) and never build an error body themselves. An exception
nobody expected is logged with its traceback and answered as a 500 problem without it, whatever ``DEBUG`` says.
``method_problems`` makes the 405 that django-ninja answers for a method a path does not have a problem too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from indeks import problems
from indeks.errors import ActionRefused, EditConflict
from indeks.text import UnsafeText
from indeks.web.errors import refuse_text

logger = logging.getLogger("indeks.api")
SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


class ObjectParser(Parser):
    """A JSON body is an object; ``[]``, ``"x"`` or ``3`` are refused (400), not read as "every field left out"."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise TypeError("the body is not a JSON object")
        return data


def _field(loc: list[Any]) -> str:
    """The field an error location names, without its source and the endpoint's parameter (``payload``)."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts)


def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": list(error.get("loc", [])),
            "field": _field(list(error.get("loc", []))),
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors[:100]
    ]
    fields = ", ".join(str(e["field"]) or "body" for e in errors[:5])
    return problems.problem(
        422,
        _("The request has invalid fields: %(fields)s.") % {"fields": fields},
        type_=problems.VALIDATION,
        errors=errors,
    )


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return problems.problem(401, _("Sign in first; the API uses the session of the pages."))
    if exc.status_code == 400 and "parse" in str(exc).lower():
        return problems.problem(400, _("The request body is not a JSON object."))
    if exc.status_code == 403 and "csrf" in str(exc).lower():
        return problems.problem(403, _("The CSRF token is missing or wrong; send the X-CSRFToken header."))
    return problems.problem(exc.status_code, str(exc))


def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.problem(404, _("Not found, or not yours to see."))


def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.problem(403, _("Your role does not allow this here."))


def action_refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
    return problems.problem(
        400,
        exc.message,
        type_=problems.ACTION_REFUSED,
        title=_("Action refused"),
        problems=[str(p) for p in exc.problems],
    )


def edit_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
    """409 with what changed: ``problems`` as text (as before), ``changes`` as data and the saved ``version``."""
    changes = [{"field": field, "saved": theirs, "yours": yours} for field, (theirs, yours) in exc.changes.items()]
    return problems.problem(
        409,
        exc.message,
        type_=problems.EDIT_CONFLICT,
        problems=[f"{c['field']}: {c['saved']!r} (saved) vs {c['yours']!r} (yours)" for c in changes],
        changes=changes,
        version=getattr(exc.current, "version", None),
    )


def bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, UnsafeText):
        return refuse_text(request, exc)
    if isinstance(exc, RequestDataTooBig):
        return problems.problem(413, _("The request body is too large."))
    return problems.problem(400, _("The request could not be read (too large, too many fields or malformed)."))


def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return problems.problem(500, _("Something went wrong on the server. Nothing was half-saved; try again."))


def install(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Exception, server_error),
        (Http404, not_found),
        (PermissionDenied, permission_denied),
        (HttpError, http_error),
        (ValidationError, validation_error),
        (ActionRefused, action_refused),
        (EditConflict, edit_conflict),
        (BadRequest, bad_request),
        (SuspiciousOperation, bad_request),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def _method_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = problems.problem(
                405,
                _("%(method)s is not allowed here; allowed: %(allowed)s.")
                % {"method": request.method, "allowed": allowed},
            )
            response["Allow"] = allowed
        return response

    return wrapper


def method_problems(patterns: list[Any]) -> list[Any]:
    """The API's URL patterns, each answering a method it does not have with a 405 problem (Allow kept)."""
    for entry in patterns:
        if isinstance(entry, URLPattern):
            entry.callback = _method_problem(entry.callback)
    return patterns
