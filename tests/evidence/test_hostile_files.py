"""Hostile evidence files: XML bombs and external entities in office files, and the content types of downloads.

Each file is made here (a real XLSX from openpyxl with a DTD put into one of its parts), posted through the
service or the page, and what comes back is read as a spreadsheet or a browser would read it.
"""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import openpyxl
import pytest
from defusedxml import DefusedXmlException
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indeks.errors import ActionRefused
from indeks.evidence import samples, services
from indeks.evidence.models import Blob, Document, DocumentVersion, PageText
from indeks.evidence.services import DocumentMeta
from tests.evidence.conftest import upload_file
from tests.platform.conftest import World, login

LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (k, b"&lol%d;" % (k - 1) * 10) for k in range(1, 10))
    + b"]>"
)
EXTERNAL = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def _with_dtd(office_file: bytes, part: str, dtd: bytes, entity: bytes = b"&lol9;") -> bytes:
    """The office file with ``dtd`` put before the root element of ``part`` and the entity used in its text."""
    source = zipfile.ZipFile(io.BytesIO(office_file))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = dtd + body.replace(b"<t>SIMPEG</t>", b"<t>" + entity + b"</t>", 1)
            archive.writestr(info, data)
    return out.getvalue()


def laughing_xlsx() -> bytes:
    return _with_dtd(samples.xlsx({"Aplikasi": [["SIMPEG"]]}), "xl/worksheets/sheet1.xml", LAUGHS)


def _upload(world: World, name: str, content: bytes, **meta: Any) -> list[DocumentVersion]:
    meta.setdefault("doc_type", "peraturan")
    return services.upload_documents(
        world.a.actor("coordinator"), world.a.agency, [upload_file(name, content)], DocumentMeta(**meta)
    )


# --- XML bombs and external entities in office files -------------------------------------------------------------


def _read_all(content: bytes) -> list[Any]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_openpyxl_reads_through_defusedxml() -> None:
    """openpyxl switches to defusedxml when it is installed (``openpyxl/xml/functions.py``): keep it that way."""
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")
    assert functions.fromstring.__module__.startswith("defusedxml")
    started = time.monotonic()
    with pytest.raises(ValueError, match="invalid XML") as refused:
        _read_all(laughing_xlsx())
    assert isinstance(refused.value.__cause__, DefusedXmlException)
    assert time.monotonic() - started < 2


def test_a_billion_laughs_xlsx_is_refused_at_upload_naming_the_file(world: World, english: Any) -> None:
    bomb = laughing_xlsx()
    assert len(bomb) < 10_000
    with pytest.raises(ActionRefused) as refused:
        _upload(world, "data-aplikasi.xlsx", bomb)
    message = str(refused.value.message)
    assert "data-aplikasi.xlsx" in message
    assert "xl/worksheets/sheet1.xml" in message
    assert "DTD" in message
    assert not Document.objects.exists()
    assert not Blob.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sop.docx", _with_dtd(samples.docx(["SIMPEG"]), "word/document.xml", EXTERNAL, b"&secret;")),
        ("paparan.pptx", _with_dtd(samples.pptx(["x"]), "[Content_Types].xml", EXTERNAL, b"")),
        ("notulen.odt", _with_dtd(samples.odt("SIMPEG"), "content.xml", LAUGHS)),
        ("tabel.ods", _with_dtd(samples.odt("x", spreadsheet=True), "META-INF/manifest.xml", EXTERNAL, b"")),
    ],
)
def test_a_dtd_in_any_part_of_any_office_type_is_refused(world: World, english: Any, name: str, content: bytes) -> None:
    with pytest.raises(ActionRefused, match=f"The file {name} contains an XML DTD"):
        _upload(world, name, content)
    assert not Document.objects.exists()


def test_the_upload_page_answers_with_the_message(world: World) -> None:
    client = login(world.a.users["operator"])
    response = client.post(
        reverse("evidence:upload", args=[world.a.agency.pk]),
        {"doc_type": "peraturan", "title": "", "files": [SimpleUploadedFile("bom.xlsx", laughing_xlsx())]},
        follow=True,
    )
    assert response.status_code == 200
    assert "The file bom.xlsx contains an XML DTD" in response.content.decode()
    assert not Document.objects.exists()


def test_a_dtd_hidden_behind_a_long_prolog_is_refused(english: Any) -> None:
    from indeks.evidence import office

    padding = b"<!--" + b" " * (office.PROLOG_BYTES * 2) + b"-->"
    content = _with_dtd(samples.xlsx({"S": [["SIMPEG"]]}), "xl/styles.xml", padding + LAUGHS.split(b"?>", 1)[1])
    with pytest.raises(ActionRefused, match=r"\(xl/styles.xml\) that does not read as an office document"):
        office.check(io.BytesIO(content), "panjang.xlsx")


def test_ordinary_office_files_pass_the_check() -> None:
    from indeks.evidence import office

    for content in (
        samples.xlsx({"Aplikasi": [["Nama"], ["SIMPEG"]]}),
        samples.docx(["a", "b"]),
        samples.pptx(["x"]),
        samples.odt("x"),
        samples.odt("x", spreadsheet=True),
    ):
        office.check(io.BytesIO(content), "ok")


def test_a_stored_bomb_is_never_parsed(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """A file stored before the check existed: extraction refuses it and says why; the upload stays."""
    from indeks.evidence import office

    monkeypatch.setattr(office, "check", lambda stream, name: None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = _upload(world, "lama.xlsx", laughing_xlsx())[0]
    monkeypatch.undo()
    for callback in callbacks:
        callback()
    version.refresh_from_db()
    assert version.extraction == "failed"
    assert "DTD" in version.extraction_error
    assert not PageText.objects.filter(version=version).exists()


# --- content types of evidence downloads -----------------------------------------------------------------------


def test_html_or_an_image_named_pdf_is_refused_as_evidence(world: World, english: Any) -> None:
    with pytest.raises(ActionRefused, match=r"The type of scan\.pdf is not accepted"):
        _upload(world, "scan.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ActionRefused, match=r"scan\.pdf is named as PDF but its content is PNG"):
        _upload(world, "scan.pdf", samples.PNG)


def test_evidence_is_served_with_the_type_of_its_content(world: World, upload: Any) -> None:
    version = upload(world, "layar.png", samples.PNG, doc_type="tangkapan_layar")
    response = login(world.a.users["coordinator"]).get(reverse("evidence:download", args=[version.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_xlsx_parts_that_openpyxl_reads_whole_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worksheets are streamed (read-only mode); shared strings, styles and the like are read whole, so bounded."""
    from indeks.evidence import extraction

    content = samples.xlsx({"Aplikasi": [["SIMPEG"]]})
    assert extraction.extract_pages("xlsx", io.BytesIO(content))[0][1] == "Aplikasi\nSIMPEG"
    monkeypatch.setattr(extraction, "MAX_PART_BYTES", 500)
    with pytest.raises(extraction.ExtractionFailed, match=r"xl/\S+ is too large to read"):
        extraction.extract_pages("xlsx", io.BytesIO(content))
