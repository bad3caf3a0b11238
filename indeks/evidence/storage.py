"""Content handling of evidence files: sniffing the type from the bytes, hashing and streaming to storage.

Nothing here reads a whole file into memory. Office files (OOXML, ODF) are ZIP archives: the sniffer reads only
the ZIP's central directory (member names and declared sizes) and never extracts anything. Files are stored in
Django's default storage under a name derived from their SHA-256, so identical content is stored once; they are
written and checked by :mod:`indeks.files` (atomic, verified writes; streamed integrity checks).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage as default_storage  # re-exported: services use it
from django.utils.translation import gettext as _

from indeks.errors import ActionRefused

CHUNK = 64 * 1024
DEFAULT_MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    """A file type Indeks accepts as evidence."""

    code: str
    label: str
    mime: str
    extensions: tuple[str, ...]


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("pdf", "PDF", "application/pdf", ("pdf",)),
        Kind(
            "docx",
            "Word (DOCX)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        Kind("xlsx", "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
        Kind(
            "pptx",
            "PowerPoint (PPTX)",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        Kind("odt", "OpenDocument Text (ODT)", "application/vnd.oasis.opendocument.text", ("odt",)),
        Kind("ods", "OpenDocument Spreadsheet (ODS)", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
        Kind("png", "PNG", "image/png", ("png",)),
        Kind("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg")),
        Kind("mp4", "MP4", "video/mp4", ("mp4", "m4v")),
    )
}

# Archives and formats refused outright (recognised so the message can say what the file is).
_ARCHIVES = (
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VH", b"dash"}
_ODF_MIMES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# Limits of what an office file's ZIP directory may declare (checked without extracting anything).
MAX_MEMBERS = 5000
MAX_RATIO = 100
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
HEAD_BYTES = 512


def max_bytes() -> int:
    return int(getattr(settings, "INDEKS_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def clean_name(name: str) -> str:
    """A safe display/download name: no directories, no control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "", name).strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else name[:200]
    return name or "file"


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _zip_kind(stream: IO[bytes], head: bytes, name: str) -> str:
    """Decide an OOXML/ODF file from its ZIP directory; refuse other archives and ZIP bombs (no extraction)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ActionRefused(_("The file %(name)s is a damaged ZIP/Office file.") % {"name": name}) from error
    finally:
        stream.seek(0)
    if len(infos) > MAX_MEMBERS:
        raise ActionRefused(_("The file %(name)s contains too many parts to be an office document.") % {"name": name})
    declared = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if declared > MAX_UNCOMPRESSED or declared > MAX_RATIO * max(packed, 1) + 1024 * 1024:
        raise ActionRefused(
            _("The file %(name)s unpacks to far more than its size (a ZIP bomb?); it was refused.") % {"name": name}
        )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "ppt/presentation.xml" in names:
            return "pptx"
    if head[30:38] == b"mimetype" and "content.xml" in names:
        for mime, kind in _ODF_MIMES.items():
            if head[38:].startswith(mime):
                return kind
    raise ActionRefused(
        _("The file %(name)s is a ZIP archive. Archives are not accepted: upload the documents themselves.")
        % {"name": name}
    )


def sniff(stream: IO[bytes], name: str) -> str:
    """The kind of the file's content (a key of :data:`KINDS`), or ActionRefused saying what is wrong."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "mp4"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(stream, head, name)
    if head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise ActionRefused(_("The file %(name)s is an empty or split ZIP archive.") % {"name": name})
    for magic, label in _ARCHIVES:
        if head.startswith(magic):
            raise ActionRefused(
                _("The file %(name)s is a %(kind)s archive. Archives are not accepted.") % {"name": name, "kind": label}
            )
    if len(head) > 262 and head[257:262] == b"ustar":
        raise ActionRefused(_("The file %(name)s is a tar archive. Archives are not accepted.") % {"name": name})
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ActionRefused(
            _("The file %(name)s is an old Office format (DOC/XLS/PPT). Save it as DOCX, XLSX, PPTX or PDF.")
            % {"name": name}
        )
    raise ActionRefused(
        _("The type of %(name)s is not accepted. Accepted: PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPEG, MP4.")
        % {"name": name}
    )


def check_extension(name: str, kind: str) -> None:
    """Refuse a file whose extension says something else than its content."""
    expected = KINDS[kind]
    extension = extension_of(name)
    if extension not in expected.extensions:
        said = next((k.label for k in KINDS.values() if extension in k.extensions), None)
        if said:
            message = _("The file %(name)s is named as %(said)s but its content is %(kind)s. Check the file.")
            raise ActionRefused(message % {"name": name, "said": said, "kind": expected.label})
        raise ActionRefused(
            _("The file %(name)s should end in .%(ext)s (its content is %(kind)s).")
            % {"name": name, "ext": expected.extensions[0], "kind": expected.label}
        )


def iter_chunks(upload: Any, size: int = CHUNK) -> Iterator[bytes]:
    """The file's bytes in chunks (Django uploads and plain binary files alike)."""
    if hasattr(upload, "chunks"):
        yield from upload.chunks(size)
        return
    upload.seek(0)
    while chunk := upload.read(size):
        yield chunk


@dataclass(frozen=True)
class Measured:
    sha256: str
    size: int


def measure(upload: Any, name: str) -> Measured:
    """SHA-256 and size, streaming; refuses empty and oversize files as soon as it knows."""
    limit = max_bytes()
    declared = getattr(upload, "size", None)
    if declared == 0:
        raise ActionRefused(_("The file %(name)s is empty.") % {"name": name})
    if declared is not None and declared > limit:
        raise ActionRefused(too_large(name))
    digest = hashlib.sha256()
    size = 0
    for chunk in iter_chunks(upload):
        size += len(chunk)
        if size > limit:
            raise ActionRefused(too_large(name))
        digest.update(chunk)
    if size == 0:
        raise ActionRefused(_("The file %(name)s is empty.") % {"name": name})
    return Measured(digest.hexdigest(), size)


def too_large(name: str) -> str:
    return _("The file %(name)s is larger than %(mb)s MB.") % {"name": name, "mb": max_bytes() // (1024 * 1024)}


def blob_name(sha256: str, kind: str) -> str:
    return f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}.{KINDS[kind].extensions[0]}"


def open_stored(name: str) -> IO[bytes]:
    return default_storage.open(name, "rb")
