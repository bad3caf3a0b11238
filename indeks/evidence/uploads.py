"""Refusing oversize uploads while they arrive, before Django spools the whole body to disk."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from indeks.evidence.storage import max_bytes


class SizeLimitHandler(FileUploadHandler):
    """Stops receiving a file past INDEKS_EVIDENCE_MAX_BYTES and notes its name on the request."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > max_bytes():
            self.request.evidence_too_large = self.file_name  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_upload_size(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Add the size limit before the body is parsed (CSRF is still checked, after the handler is in place)."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Still a list: the body is parsed only after this (parsing freezes it into an ImmutableList).
        cast("list[FileUploadHandler]", request.upload_handlers).insert(0, SizeLimitHandler(request))
        return protected(request, *args, **kwargs)

    return wrapper
