"""Hostile files for the tests of the bounded reader: a zip-bomb workbook, a workbook that lies about its sizes.

They are built here, in memory and in a fraction of a second, rather than stored: the bomb's sheet repeats one
deflate block made with a full flush (each copy decodes on its own), so the archive is written without compressing
hundreds of megabytes.
"""

from __future__ import annotations

import io
import struct
import zlib

import openpyxl

MiB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A real workbook (openpyxl) with ``rows`` on its first sheet."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP archive from (name, raw deflate data, CRC-32, declared uncompressed size), written by hand."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, raw, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(raw), size, len(encoded), 0))
        out.write(encoded + raw)
        central.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(raw),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start, directory = out.tell(), central.getvalue()
    count = len(members)
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def zip_bomb(megabytes: int = 400) -> bytes:
    """A workbook of well under 1 MB whose sheet XML decompresses to ``megabytes`` MB (whitespace between rows)."""
    parts = _members(xlsx_bytes([["indicator", "cost"], [1, 1]]))
    head = parts[SHEET].split(b"<sheetData>")[0] + b"<sheetData>"
    tail = b"</sheetData></worksheet>"
    chunk = b" " * (16 * MiB)
    copies = max(1, megabytes // 16)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(head + chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush()
    raw = first + again * (copies - 1) + last
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + copies * len(chunk) + len(tail)
    members = [
        (name, _deflate(content), zlib.crc32(content), len(content)) for name, content in parts.items() if name != SHEET
    ]
    return _zip([*members, (SHEET, raw, crc, size)])


def lying_workbook(real_megabytes: int = 30) -> bytes:
    """A workbook whose ``[Content_Types].xml`` decompresses to ``real_megabytes`` MB but whose headers give the
    size (and CRC) of the first, genuine part only: zipfile stops at the declared size, yet inflates the whole
    member at once first when a reader asks for all of it."""
    parts = _members(xlsx_bytes([["indicator", "cost"], [1, 1]]))
    members = []
    for name, content in parts.items():
        padded = content + b" " * (real_megabytes * MiB) if name == "[Content_Types].xml" else content
        members.append((name, _deflate(padded), zlib.crc32(content), len(content)))
    return _zip(members)
