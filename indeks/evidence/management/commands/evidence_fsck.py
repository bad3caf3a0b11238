"""Remove temporary files left by killed processes and re-verify every stored file (run it from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indeks.evidence.integrity import DEFAULT_OLDER_THAN, check_storage


class Command(BaseCommand):
    help = (
        "Remove temporary files left in the storage's tmp/ area by killed processes (untouched for --older-than "
        "seconds), re-hash every evidence file and signed scan, and flag damaged ones for the national admin. "
        "Prints one summary line; exits with status 1 when a stored file is damaged."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=DEFAULT_OLDER_THAN,
            metavar="SECONDS",
            help=f"remove temporary files untouched for this long (default {DEFAULT_OLDER_THAN})",
        )
        parser.add_argument(
            "--temporary-only", action="store_true", help="only clean the temporary area; do not re-hash files"
        )
        parser.add_argument(
            "--max-files",
            type=int,
            metavar="N",
            help="re-hash at most N evidence files, the least recently checked first (every signed scan is checked)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["older_than"] < 0:
            raise CommandError("--older-than must be 0 or more seconds")
        if options["max_files"] is not None and options["max_files"] < 1:
            raise CommandError("--max-files must be 1 or more")
        report = check_storage(
            options["older_than"], verify=not options["temporary_only"], max_files=options["max_files"]
        )
        self.stdout.write(report.line())
        if report.damaged_count:
            raise CommandError(
                f"{report.damaged_count} stored file(s) are damaged; they are listed at /evidence/integrity/"
            )
