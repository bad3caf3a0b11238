"""The answers to errors outside a view's own handling: 400, 403, 404 and 500 pages, and problem JSON under /api/.

``indeks/urls.py`` names them as Django's ``handler400`` … ``handler500``. A page never shows a traceback (the
500 page is static, so it renders even when the database is down); under ``/api/`` every error is a problem
(``indeks.problems``), including URLs the API does not have (``api_not_found``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from indeks import problems
from indeks.text import UnsafeText

logger = logging.getLogger("indeks.errors")


def refuse_text(request: HttpRequest, error: UnsafeText) -> HttpResponse:
    """A field with a forbidden character: a 400 page naming it, or a 422 problem in the API."""
    logger.info("refused %s field %r on %s", error.source, error.field, request.path)
    if problems.is_api(request.path):
        return problems.problem(
            422,
            error.message,
            type_=problems.VALIDATION,
            errors=[{"loc": [error.source, error.field], "field": error.field, "msg": error.message, "type": "text"}],
        )
    return render(request, "400.html", {"message": error.message}, status=400)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, UnsafeText):
        return refuse_text(request, exception)
    detail = _("The request could not be read (too large, too many fields or malformed). Nothing was saved.")
    if problems.is_api(request.path):
        return problems.problem(400, detail)
    return render(request, "400.html", {"message": detail}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if problems.is_api(request.path):
        return problems.problem(403, _("Your role does not allow this here."))
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if problems.is_api(request.path):
        return problems.problem(404, _("This page does not exist, or it is not yours to see."))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if problems.is_api(request.path):
        return problems.problem(500, _("Something went wrong on the server. Nothing was half-saved; try again."))
    return defaults.server_error(request)


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any /api/ URL the API does not have: a 404 problem, never the HTML page (and never a redirect)."""
    return problems.problem(404, _("The API has no such URL. The list is at /api/v1/docs."))
