"""Signed scans are typed by their content, never by their name: what is refused at upload and how it is served."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indeks.assessment.models import SignedDocument, SignedDocumentKind
from tests.platform.conftest import MINIMAL_PDF, MINIMAL_PNG, World, login, to_signing

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def _post(world: World, kind: str, name: str, content: bytes) -> Any:
    client = login(world.a.users["official"])
    url = reverse("assessment:submission_action", args=(world.a.participation.pk, kind))
    response = client.post(url, {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})
    return [str(m) for m in get_messages(response.wsgi_request)]


def _download(world: World, kind: str) -> Any:
    client = login(world.a.users["official"])
    return client.get(reverse("assessment:signed_download", args=(world.a.participation.pk, kind)))


def test_html_named_scan_pdf_is_refused(world: World) -> None:
    to_signing(world)
    messages = _post(world, SignedDocumentKind.BERITA_ACARA, "scan.pdf", HTML)
    assert any("scan.pdf is not a PDF, PNG or JPEG scan" in m for m in messages)
    assert not SignedDocument.objects.exists()


def test_a_png_named_scan_pdf_is_served_as_a_png(world: World) -> None:
    to_signing(world)
    messages = _post(world, SignedDocumentKind.BERITA_ACARA, "scan.pdf", MINIMAL_PNG)
    assert any("Signed scan received" in m for m in messages)
    assert SignedDocument.objects.get().file.name.endswith(".png")
    response = _download(world, SignedDocumentKind.BERITA_ACARA)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="scan.png"'
    assert b"".join(response.streaming_content) == MINIMAL_PNG


def test_each_allowed_type_is_served_with_its_own_content_type(world: World) -> None:
    to_signing(world)
    _post(world, SignedDocumentKind.BERITA_ACARA, "ba.html", MINIMAL_PDF)
    _post(world, SignedDocumentKind.PERSETUJUAN_PUBLIKASI, "persetujuan", JPEG)
    pdf = _download(world, SignedDocumentKind.BERITA_ACARA)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="ba.pdf"'
    jpeg = _download(world, SignedDocumentKind.PERSETUJUAN_PUBLIKASI)
    assert jpeg["Content-Type"] == "image/jpeg"
    assert jpeg["Content-Disposition"] == 'attachment; filename="persetujuan.jpg"'


def test_a_stored_file_of_no_allowed_type_is_served_as_bytes(world: World) -> None:
    """A scan whose stored bytes are not a PDF, PNG or JPEG (stored otherwise, or altered) is never rendered."""
    to_signing(world)
    _post(world, SignedDocumentKind.BERITA_ACARA, "ba.pdf", MINIMAL_PDF)
    document = SignedDocument.objects.get()
    with document.file.open("wb") as stored:
        stored.write(HTML)
    # Stored otherwise: the record matches the bytes, so the integrity check passes and only the type is at stake.
    SignedDocument.objects.filter(pk=document.pk).update(sha256=hashlib.sha256(HTML).hexdigest(), size=len(HTML))
    response = _download(world, SignedDocumentKind.BERITA_ACARA)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
