"""Fixtures of the evidence tests: the platform's ``world`` (re-exported) and helpers to upload sample files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indeks.evidence import services
from indeks.evidence.models import DocumentVersion
from indeks.evidence.services import DocumentMeta
from tests.platform.conftest import (  # noqa: F401 (fixtures re-exported for pytest)
    MINIMAL_PDF,
    World,
    _media_in_tmp,
    english,
    login,
    world,
)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Background tasks run at once in tests (the database backend needs a worker)."""
    settings.TASKS = IMMEDIATE


def upload_file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def upload(django_capture_on_commit_callbacks: Any) -> Callable[..., DocumentVersion]:
    """Upload one file through the service as someone of agency A; extraction runs when the upload commits."""

    def _upload(
        the_world: World,
        name: str,
        content: bytes,
        *,
        who: str = "coordinator",
        agency: str = "a",
        **meta: Any,
    ) -> DocumentVersion:
        side = getattr(the_world, agency)
        meta.setdefault("doc_type", "peraturan")
        with django_capture_on_commit_callbacks(execute=True):
            versions = services.upload_documents(
                side.actor(who), side.agency, [upload_file(name, content)], DocumentMeta(**meta)
            )
        version = versions[0]
        version.refresh_from_db()
        return version

    return _upload
