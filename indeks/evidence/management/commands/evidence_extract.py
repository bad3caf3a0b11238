"""Run (or re-run) text extraction of evidence versions in this process: pending ones, failed ones, or all."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from indeks.evidence.extraction import run_extraction
from indeks.evidence.models import DocumentVersion, ExtractionStatus


class Command(BaseCommand):
    help = "Extract the text of evidence versions still pending (or --failed, or --all)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--failed", action="store_true", help="also retry versions whose extraction failed")
        parser.add_argument("--all", action="store_true", help="re-extract every file version")

    def handle(self, *args: Any, **options: Any) -> None:
        versions = DocumentVersion.objects.filter(blob__isnull=False)
        if not options["all"]:
            statuses = [ExtractionStatus.PENDING, ExtractionStatus.RUNNING]
            if options["failed"]:
                statuses.append(ExtractionStatus.FAILED)
            versions = versions.filter(extraction__in=statuses)
        done = 0
        for version_id in versions.order_by("pk").values_list("pk", flat=True).iterator():
            status = run_extraction(version_id)
            done += 1
            self.stdout.write(f"version {version_id}: {status}")
        self.stdout.write(f"{done} version(s) processed")
