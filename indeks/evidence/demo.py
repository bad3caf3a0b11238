"""Demo evidence for the demo builder: a few real documents per agency, linked to fitting indicators.

``build_demo_evidence(participations)`` is called by the demo builder after the answers exist. Files are real
(PDFs with a text layer, a PNG), stored through the same content-addressed storage as uploads, and their text is
extracted at once, so search and suggestions work in the demo without a worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from indeks.evidence import samples, services
from indeks.evidence.extraction import run_extraction
from indeks.evidence.models import Document, DocumentVersion, EvidenceLink, ExtractionStatus
from indeks.registry.models import Role, RoleAssignment
from indeks.rounds.models import Participation

# (file, type, title, number pattern, draft, years before the round, indicator links with locators, pages)
DOCUMENTS: tuple[tuple[str, str, str, str, bool, int, dict[int, str], list[str]], ...] = (
    (
        "perwal-arsitektur-spbe.pdf",
        "peraturan",
        "Peraturan tentang Arsitektur SPBE",
        "{n}/{y}",
        False,
        2,
        {1: "Pasal 3-5, hal. 2", 11: "Lampiran I"},
        [
            "Peraturan tentang Arsitektur Sistem Pemerintahan Berbasis Elektronik. Ketentuan umum.",
            "Pasal 3. Arsitektur SPBE memuat referensi arsitektur dan domain arsitektur: proses bisnis, data dan "
            "informasi, infrastruktur SPBE, aplikasi SPBE, keamanan SPBE, dan layanan SPBE.",
            "Pasal 5. Integrasi SPBE antar instansi pusat dan pemerintah daerah. Reviu dan evaluasi periodik.",
        ],
    ),
    (
        "perwal-peta-rencana-spbe.pdf",
        "peraturan",
        "Peraturan tentang Peta Rencana SPBE",
        "{n}/{y}",
        False,
        2,
        {2: "Pasal 4, hal. 2"},
        [
            "Peraturan tentang Peta Rencana SPBE.",
            "Pasal 4. Peta Rencana SPBE memuat tata kelola SPBE, manajemen SPBE, layanan SPBE, infrastruktur SPBE, "
            "aplikasi SPBE, keamanan SPBE, dan audit TIK, selaras dengan Peta Rencana SPBE Nasional.",
        ],
    ),
    (
        "laporan-reviu-kebijakan-spbe.pdf",
        "laporan_reviu",
        "Laporan Reviu dan Evaluasi Kebijakan Internal SPBE",
        "LAP-{n}/{y}",
        False,
        1,
        {1: "Bab III", 2: "Bab III"},
        [
            "Laporan reviu dan evaluasi kebijakan internal SPBE: arsitektur dan peta rencana.",
            "Isu dan rekomendasi perbaikan: pemutakhiran domain arsitektur dan keselarasan peta rencana nasional.",
        ],
    ),
    (
        "rancangan-se-manajemen-data.pdf",
        "surat_edaran",
        "Rancangan Surat Edaran Manajemen Data",
        "",
        True,
        0,
        {3: "seluruh dokumen"},
        ["Rancangan surat edaran tentang manajemen data: arsitektur data, data induk, data referensi, basis data."],
    ),
    (
        "tangkapan-layar-layanan-pengaduan.png",
        "tangkapan_layar",
        "Tangkapan layar layanan pengaduan publik",
        "",
        False,
        0,
        {35: "halaman utama"},
        [],
    ),
)


def _uploader(participation: Participation) -> Any:
    assignment = (
        RoleAssignment.objects.filter(agency_id=participation.agency_id, role=Role.COORDINATOR)
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else None


@transaction.atomic
def _build_for(participation: Participation, user: Any, seq: int) -> int:
    year = participation.round.year
    created = 0
    for name, doc_type, title, number, draft, age, links, pages in DOCUMENTS:
        content = samples.text_pdf(pages) if name.endswith(".pdf") else samples.PNG
        checked = services.check_upload(ContentFile(content, name=name))
        blob, _written = services._store_blob(checked)
        issued = date(year - age, 3, 1) + timedelta(days=seq % 200) if number else None
        document = Document.objects.create(
            agency_id=participation.agency_id,
            doc_type=doc_type,
            title=title,
            number=number.format(n=10 + seq % 80, y=year - age),
            issuer="Kepala Daerah" if doc_type == "peraturan" else "",
            issued_on=issued,
            effective_on=issued,
            is_draft=draft,
            created_by=user,
        )
        version = DocumentVersion.objects.create(
            document=document,
            number=1,
            blob=blob,
            original_name=name,
            uploaded_by=user,
            extraction=ExtractionStatus.PENDING if name.endswith(".pdf") else ExtractionStatus.NOT_APPLICABLE,
        )
        EvidenceLink.objects.bulk_create(
            EvidenceLink(participation=participation, indicator=n, version=version, locator=where, created_by=user)
            for n, where in links.items()
        )
        if version.extraction == ExtractionStatus.PENDING:
            run_extraction(version.pk)
        created += 1
    return created


def build_demo_evidence(participations: Iterable[Participation]) -> int:
    """Demo documents for each participation's agency (skipped when the agency has evidence); returns the count."""
    created = 0
    seen: set[int] = set()
    for seq, participation in enumerate(participations):
        if participation.agency_id in seen or Document.objects.filter(agency_id=participation.agency_id).exists():
            continue
        seen.add(participation.agency_id)
        user = _uploader(participation)
        if user is None:
            continue
        created += _build_for(participation, user, seq)
    return created
