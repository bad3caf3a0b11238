"""Streamed ZIP downloads of evidence with a manifest (file, SHA-256, indicators, metadata).

The archive is written to a generator as it goes: each stored file is read in chunks and deflated into the
response, so neither the files nor the archive are ever held whole in memory.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from indeks import files
from indeks.core.exports import CsvWriter
from indeks.evidence import storage
from indeks.evidence.models import DocumentVersion, EvidenceLink

MANIFEST_FIELDS = (
    "file",
    "sha256",
    "size",
    "link",
    "indicators",
    "document_id",
    "version",
    "type",
    "number",
    "title",
    "issuer",
    "issued_on",
    "effective_on",
    "unit",
    "draft",
)
STORED_KINDS = frozenset({"png", "jpeg", "mp4", "docx", "xlsx", "pptx", "odt", "ods"})  # already compressed


@dataclass
class Entry:
    version: DocumentVersion
    uses: list[str] = field(default_factory=list)

    @property
    def filename(self) -> str:
        if self.version.blob_id is None:
            return ""
        document = self.version.document
        return f"{document.pk}-v{self.version.number}-{storage.clean_name(self.version.original_name)}"


def entries_for(versions: Iterable[DocumentVersion], links: Iterable[EvidenceLink]) -> list[Entry]:
    """One entry per version, with every use ('2025 #1 (Pasal 5)') from the given links."""
    uses: dict[int, list[str]] = defaultdict(list)
    for found in links:
        where = f" ({found.locator})" if found.locator else ""
        uses[found.version_id].append(f"{found.participation.round.year} #{found.indicator}{where}")
    return [Entry(version, uses.get(version.pk, [])) for version in versions]


class _Sink(io.RawIOBase):
    """A write-only, unseekable target that hands out what was written since the last call."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # zipfile writes bytes only (RawIOBase: any buffer)
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _manifest(entries: list[Entry]) -> bytes:
    """manifest.csv (UTF-8 with BOM for Excel); text cells are made inert (no formula injection)."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(MANIFEST_FIELDS)
    for entry in entries:
        version, document = entry.version, entry.version.document
        writer.writerow(
            [
                entry.filename,
                version.blob.sha256 if version.blob else "",
                version.blob.size if version.blob else "",
                version.url,
                "; ".join(entry.uses),
                document.pk,
                version.number,
                document.get_doc_type_display(),
                document.number,
                document.title,
                document.issuer,
                document.issued_on or "",
                document.effective_on or "",
                document.unit.name if document.unit else "",
                "yes" if document.is_draft else "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def stream_zip(entries: list[Entry]) -> Iterator[bytes]:
    """The ZIP archive in pieces: every file of the entries, then manifest.csv."""
    sink = _Sink()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            blob = entry.version.blob
            if blob is None:
                continue
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if blob.kind in STORED_KINDS else zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                for chunk in files.stream_verified(blob.name, blob.sha256, blob.size):
                    member.write(chunk)
                    yield sink.take()
            yield sink.take()
        archive.writestr(zipfile.ZipInfo("manifest.csv", date_time=stamp), _manifest(entries))
    yield sink.take()
