"""Checking every stored file: what ``manage.py evidence_fsck`` and the ``check_storage`` task run.

It removes what killed processes left in the storage's temporary area (:func:`indeks.files.sweep_temporary`, only
files untouched for the threshold), re-hashes every evidence file (:class:`Blob`) and every signed scan, flags the
damaged ones for the national admin (``/evidence/integrity/``) and lifts the flag of those whole again (restored
from a backup). It repairs nothing: only a new upload of the same content can (``services._store_blob``). Stored
files that no record uses (orphans, e.g. written just before a crash) are counted, not removed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.db.models import F

from indeks import files
from indeks.assessment import services as assessment_services
from indeks.assessment.models import SignedDocument
from indeks.evidence import services
from indeks.evidence.models import Blob

log = logging.getLogger(__name__)
DEFAULT_OLDER_THAN = 3600  # seconds a temporary file must be untouched before it counts as left behind


@dataclass
class Report:
    temporary_files: int = 0
    temporary_bytes: int = 0
    multipart_aborted: int = 0
    blobs: int = 0
    blob_bytes: int = 0
    damaged: list[str] = field(default_factory=list)
    restored: int = 0
    signed: int = 0
    signed_damaged: int = 0
    orphans: int = 0
    seconds: float = 0.0
    verified: bool = True

    @property
    def damaged_count(self) -> int:
        return len(self.damaged) + self.signed_damaged

    def line(self) -> str:
        """The one-line summary (English: it goes to logs and cron mail)."""
        temporary = f"{self.temporary_files} temporary file(s) removed ({self.temporary_bytes:,} bytes)"
        if self.multipart_aborted:
            temporary += f", {self.multipart_aborted} incomplete multipart upload(s) aborted"
        if not self.verified:
            return f"evidence_fsck: {temporary}; stored files not re-verified ({self.seconds:.1f} s)"
        return (
            f"evidence_fsck: {temporary}; {self.blobs} evidence file(s) verified ({self.blob_bytes:,} bytes), "
            f"{len(self.damaged)} damaged, {self.restored} whole again; {self.signed} signed scan(s) verified, "
            f"{self.signed_damaged} damaged; {self.orphans} unreferenced file(s) under evidence/ "
            f"({self.seconds:.1f} s)"
        )


def check_storage(
    older_than: float = DEFAULT_OLDER_THAN, *, verify: bool = True, max_files: int | None = None
) -> Report:
    """Sweep the temporary area, then (unless ``verify`` is off) re-hash the evidence files, at most ``max_files`` of
    them, the least recently checked first (so that runs with a limit cycle through a large store), and every signed
    scan."""
    started = time.monotonic()
    report = Report(verified=verify)
    swept = files.sweep_temporary(older_than)
    report.temporary_files, report.temporary_bytes, report.multipart_aborted = swept.files, swept.bytes, swept.multipart
    if verify:
        blobs = Blob.objects.order_by(F("checked_at").asc(nulls_first=True), "pk")
        for blob in (blobs[:max_files] if max_files is not None else blobs).iterator():
            report.blobs += 1
            problem = files.check(blob.name, blob.sha256, blob.size)
            if problem:
                report.damaged.append(blob.sha256)
                services.flag_damaged(blob, problem)
                continue
            report.blob_bytes += blob.size
            if blob.damaged_at is not None:
                report.restored += 1
            services.mark_whole(blob)
        for document in SignedDocument.objects.select_related("participation__agency").order_by("pk").iterator():
            report.signed += 1
            problem = files.check(document.file.name, document.sha256, document.size)
            if problem:
                report.signed_damaged += 1
                assessment_services.flag_signed_damaged(None, document, problem)
            else:
                assessment_services.mark_signed_whole(document)
        names = set(Blob.objects.values_list("name", flat=True))
        report.orphans = sum(1 for name in files.list_names("evidence") if name not in names)
    report.seconds = time.monotonic() - started
    log.log(logging.ERROR if report.damaged_count else logging.INFO, "%s", report.line())
    return report
