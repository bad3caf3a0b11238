"""Small, real sample files built in memory: PDFs with a text layer and minimal office documents.

Used by the demo builder (:mod:`indeks.evidence.demo`) and the tests; no binary fixtures are shipped.
"""

from __future__ import annotations

import io
import textwrap
import zipfile


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(pages: list[str]) -> bytes:
    """A valid PDF with one page per string, its text in Helvetica (extractable by any reader)."""
    count = len(pages)
    objects: dict[int, bytes] = {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: f"<</Type/Pages/Kids[{' '.join(f'{4 + 2 * k} 0 R' for k in range(count))}]/Count {count}>>".encode(),
        3: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
    }
    for k, text in enumerate(pages):
        lines = [line for paragraph in text.split("\n") for line in (textwrap.wrap(paragraph, 90) or [""])]
        body = " ".join(f"({_pdf_escape(line)}) Tj T*" for line in lines[:55])
        content = f"BT /F1 11 Tf 14 TL 50 800 Td {body} ET".encode("latin-1", "replace")
        objects[4 + 2 * k] = (
            f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>>>"
            f"/Contents {5 + 2 * k} 0 R>>"
        ).encode()
        objects[5 + 2 * k] = b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def _zip(members: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for k, (name, data) in enumerate(members):
            compress = zipfile.ZIP_STORED if (stored_first and k == 0) else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data, compress_type=compress)
    return out.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def docx(pages: list[str]) -> bytes:
    """A minimal DOCX: one paragraph per line, a hard page break between pages."""
    parts = []
    for k, page in enumerate(pages):
        if k:
            parts.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        parts += [f"<w:p><w:r><w:t>{_esc(line)}</w:t></w:r></w:p>" for line in page.split("\n")]
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(parts)
        + "</w:body></w:document>"
    )
    return _zip([("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", document.encode())])


def pptx(slides: list[str]) -> bytes:
    members = [("[Content_Types].xml", CONTENT_TYPES), ("ppt/presentation.xml", b"<p:presentation/>")]
    for k, text in enumerate(slides, start=1):
        xml = (
            '<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:p><a:r><a:t>'
            f"{_esc(text)}</a:t></a:r></a:p></p:sld>"
        )
        members.append((f"ppt/slides/slide{k}.xml", xml.encode()))
    return _zip(members)


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the default sheet
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def odt(text: str, *, spreadsheet: bool = False) -> bytes:
    """A minimal ODT (or ODS): the uncompressed ``mimetype`` member first, as the standard requires."""
    mime = b"application/vnd.oasis.opendocument." + (b"spreadsheet" if spreadsheet else b"text")
    body = "".join(f"<text:p>{_esc(line)}</text:p>" for line in text.split("\n"))
    if spreadsheet:
        body = (
            '<table:table table:name="Sheet1"><table:table-row><table:table-cell>'
            + body
            + "</table:table-cell></table:table-row></table:table>"
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content><office:body>'
        + body
        + "</office:body></office:document-content>"
    )
    members = [("mimetype", mime), ("content.xml", content.encode()), ("META-INF/manifest.xml", b"<m/>")]
    return _zip(members, stored_first=True)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
