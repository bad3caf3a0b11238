"""Text extraction from stored evidence, page by page (run as a background task, see :mod:`indeks.evidence.tasks`).

PDF through pypdf; DOCX, PPTX, ODT and ODS by reading their XML parts with bounded reads (no XML parser, so no
entity tricks; a part that unpacks beyond the bound fails the extraction instead of filling memory); XLSX through
openpyxl in read-only mode (with defusedxml; the parts it reads whole are bounded like the others). An office file
with a DTD in any part (:mod:`indeks.evidence.office`) is never parsed. A failure never removes the upload: the
version is marked ``failed`` with the reason.
"""

from __future__ import annotations

import html
import logging
import re
import zipfile
from collections.abc import Callable
from typing import IO

from django.db import transaction

from indeks.errors import ActionRefused
from indeks.evidence import office, storage
from indeks.evidence.models import DocumentVersion, ExtractionStatus, PageText

log = logging.getLogger(__name__)

MAX_PART_BYTES = 64 * 1024 * 1024
MAX_PAGES = 3000
MAX_PAGE_CHARS = 100_000
MAX_SHEET_ROWS = 20_000

Pages = list[tuple[int, str]]


class ExtractionFailed(Exception):
    pass


def _clean(text: str) -> str:
    text = text.replace("\x00", " ")
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n", text)
    return text.strip()[:MAX_PAGE_CHARS]


def _pdf(stream: IO[bytes]) -> Pages:
    from pypdf import PdfReader

    reader = PdfReader(stream)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ExtractionFailed("the PDF is password-protected")
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        if number > MAX_PAGES:
            break
        pages.append((number, page.extract_text() or ""))
    return pages


def _part(archive: zipfile.ZipFile, name: str) -> str:
    with archive.open(name) as part:
        data = part.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise ExtractionFailed(f"{name} is too large to read")
    return data.decode("utf-8", "replace")


_TAG = re.compile(r"<[^>]+>")


def _xml_text(xml: str, paragraph: str) -> str:
    xml = re.sub(rf"</{paragraph}>|<{paragraph}\b[^>]*/>", "\n", xml)
    xml = re.sub(r"<(w:tab|w:br|text:tab|text:line-break|a:br)\b[^>]*/>", " ", xml)
    return html.unescape(_TAG.sub("", xml))


_DOCX_BREAK = re.compile(r'<w:br\b[^>]*w:type="page"[^>]*/>|<w:lastRenderedPageBreak\s*/>')


def _docx(stream: IO[bytes]) -> Pages:
    with zipfile.ZipFile(stream) as archive:
        xml = _part(archive, "word/document.xml")
    parts = _DOCX_BREAK.split(xml)
    return [(n, _xml_text(part, "w:p")) for n, part in enumerate(parts[:MAX_PAGES], start=1)]


def _pptx(stream: IO[bytes]) -> Pages:
    with zipfile.ZipFile(stream) as archive:
        slides = []
        for name in archive.namelist():
            match = re.fullmatch(r"ppt/slides/slide(\d+)\.xml", name)
            if match:
                slides.append((int(match.group(1)), name))
        return [(n, _xml_text(_part(archive, name), "a:p")) for n, name in sorted(slides)[:MAX_PAGES]]


def _odf(stream: IO[bytes]) -> Pages:
    with zipfile.ZipFile(stream) as archive:
        xml = _part(archive, "content.xml")
    sheets = re.split(r"</table:table>", xml) if "<table:table " in xml else [xml]
    texts = [_xml_text(sheet, "text:p") for sheet in sheets[:MAX_PAGES]]
    return [(n, text) for n, text in enumerate(texts, start=1) if text.strip() or n == 1]


def _xlsx(stream: IO[bytes]) -> Pages:
    from openpyxl import load_workbook

    # Read-only mode streams the worksheets; the other parts (shared strings, styles) are read whole.
    with zipfile.ZipFile(stream) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") and info.file_size > MAX_PART_BYTES:
                raise ExtractionFailed(f"{info.filename} is too large to read")
    stream.seek(0)
    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:
        pages = []
        for number, sheet in enumerate(workbook.worksheets[:MAX_PAGES], start=1):
            lines = [sheet.title]
            for k, row in enumerate(sheet.iter_rows(values_only=True)):
                if k >= MAX_SHEET_ROWS:
                    break
                cells = [str(v) for v in row if v is not None and str(v).strip()]
                if cells:
                    lines.append(" ".join(cells))
            pages.append((number, "\n".join(lines)))
        return pages
    finally:
        workbook.close()


EXTRACTORS: dict[str, Callable[[IO[bytes]], Pages]] = {
    "pdf": _pdf,
    "docx": _docx,
    "pptx": _pptx,
    "odt": _odf,
    "ods": _odf,
    "xlsx": _xlsx,
}


def extract_pages(kind: str, stream: IO[bytes], name: str = "") -> Pages:
    """The text of each page of a stored file; raises ExtractionFailed (or the reader's error) when unreadable."""
    if kind in office.OFFICE_KINDS:
        try:
            office.check(stream, name)
        except ActionRefused as error:
            raise ExtractionFailed(str(error.message)) from None
    return [(n, _clean(text)) for n, text in EXTRACTORS[kind](stream)]


def run_extraction(version_id: int) -> str:
    """Extract and store the text of one version; returns the resulting status (never raises for bad files)."""
    version = DocumentVersion.objects.select_related("blob").filter(pk=version_id).first()
    if version is None:
        return "missing"
    if version.blob is None or version.blob.kind not in EXTRACTORS:
        DocumentVersion.objects.filter(pk=version_id).update(extraction=ExtractionStatus.NOT_APPLICABLE)
        return ExtractionStatus.NOT_APPLICABLE
    DocumentVersion.objects.filter(pk=version_id).update(extraction=ExtractionStatus.RUNNING, extraction_error="")
    try:
        with storage.open_stored(version.blob.name) as stream:
            pages = extract_pages(version.blob.kind, stream, version.original_name)
    except Exception as error:  # any reader error: the upload stays, the status says why
        log.warning("text extraction of version %s failed: %s", version_id, error)
        reason = f"{type(error).__name__}: {error}"[:500]
        DocumentVersion.objects.filter(pk=version_id).update(
            extraction=ExtractionStatus.FAILED, extraction_error=reason
        )
        return ExtractionStatus.FAILED
    status = ExtractionStatus.DONE if any(text for _n, text in pages) else ExtractionStatus.NO_TEXT
    with transaction.atomic():
        PageText.objects.filter(version_id=version_id).delete()
        PageText.objects.bulk_create(PageText(version_id=version_id, page=n, text=text) for n, text in pages if text)
        DocumentVersion.objects.filter(pk=version_id).update(extraction=status)
    return status
