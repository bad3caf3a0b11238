"""The PDFs the agency signs: Berita Acara Penilaian Mandiri and Pernyataan Persetujuan Publikasi (WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from indeks.assessment.selectors import indicator_rows, live_result
from indeks.rounds.models import Participation


def render_pdf(participation: Participation, kind: str) -> bytes:
    """Render one of the two documents to PDF, always in Indonesian (they are official documents)."""
    from weasyprint import HTML  # imported here: loading it is slow and only these pages need it

    with translation.override("id"):
        rows = indicator_rows(participation)
        context = {
            "p": participation,
            "framework": participation.round.framework,
            "rows": rows,
            "result": live_result(participation, rows),
            "today": timezone.localdate(),
        }
        html = render_to_string(f"assessment/pdf/{kind}.html", context)
    return bytes(HTML(string=html).write_pdf())
