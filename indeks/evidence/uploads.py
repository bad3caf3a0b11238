"""Refusing oversize uploads while they arrive, before Django spools the whole body to disk."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from indeks.evidence.storage import max_bytes
from indeks.files import spool_to_storage


class SizeLimitHandler(FileUploadHandler):
    """Stops receiving a file past INDEKS_EVIDENCE_MAX_BYTES and notes its name on the request."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > max_bytes():
            # The stubs allow a handler without a request; one in use always has it (too_large reads the note).
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
        # Large files are received into the storage's temporary area (indeks.files), not FILE_UPLOAD_TEMP_DIR.
        request.upload_handlers = [SizeLimitHandler(request), *spool_to_storage(request.upload_handlers)]
        return protected(request, *args, **kwargs)

    return wrapper
