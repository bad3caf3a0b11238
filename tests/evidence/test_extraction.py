"""Text extraction per page in the background task, and its status; bad files fail gracefully."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from indeks.evidence import samples, services
from indeks.evidence.extraction import run_extraction
from indeks.evidence.models import DocumentVersion, PageText
from indeks.evidence.services import DocumentMeta
from tests.evidence.conftest import upload_file
from tests.platform.conftest import MINIMAL_PDF, World


def pages(version: DocumentVersion) -> list[tuple[int, str]]:
    return list(PageText.objects.filter(version=version).order_by("page").values_list("page", "text"))


def test_pdf_text_is_stored_per_page(world: World, upload: Any) -> None:
    version = upload(world, "perwal.pdf", samples.text_pdf(["Arsitektur SPBE Kota", "Domain Layanan SPBE"]))
    assert version.extraction == "done"
    assert pages(version) == [(1, "Arsitektur SPBE Kota"), (2, "Domain Layanan SPBE")]


def test_docx_pages_follow_page_breaks(world: World, upload: Any) -> None:
    version = upload(
        world, "sop.docx", samples.docx(["Prosedur satu\nlangkah & syarat", "Halaman dua"]), doc_type="sop"
    )
    assert version.extraction == "done"
    assert pages(version) == [(1, "Prosedur satu\nlangkah & syarat"), (2, "Halaman dua")]


def test_xlsx_sheets_and_pptx_slides_are_pages(world: World, upload: Any) -> None:
    sheet = upload(world, "data.xlsx", samples.xlsx({"Aplikasi": [["Nama", "Unit"], ["SIMPEG", "BKD"]], "Kosong": []}))
    assert pages(sheet) == [(1, "Aplikasi\nNama Unit\nSIMPEG BKD"), (2, "Kosong")]
    slides = upload(world, "paparan.pptx", samples.pptx(["Rencana induk", "Peta rencana SPBE"]))
    assert pages(slides) == [(1, "Rencana induk"), (2, "Peta rencana SPBE")]


def test_odf_text_is_extracted(world: World, upload: Any) -> None:
    version = upload(world, "notulen.odt", samples.odt("Notulen rapat\nreviu kebijakan"), doc_type="notulen")
    assert pages(version) == [(1, "Notulen rapat\nreviu kebijakan")]
    sheet = upload(world, "tabel.ods", samples.odt("Inventaris aplikasi", spreadsheet=True))
    assert pages(sheet) == [(1, "Inventaris aplikasi")]


def test_a_scan_without_text_layer_is_marked(world: World, upload: Any) -> None:
    version = upload(world, "scan.pdf", MINIMAL_PDF)
    assert version.extraction == "no_text"
    assert pages(version) == []


def test_a_broken_pdf_fails_gracefully_and_the_upload_is_kept(world: World, upload: Any) -> None:
    version = upload(world, "rusak.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 200)
    assert version.extraction == "failed"
    assert version.extraction_error
    assert DocumentVersion.objects.filter(pk=version.pk, blob__isnull=False).exists()


def test_images_video_and_links_have_nothing_to_extract(world: World, upload: Any) -> None:
    assert upload(world, "layar.png", samples.PNG, doc_type="tangkapan_layar").extraction == "n/a"
    assert upload(world, "demo.mp4", samples.MP4, doc_type="video").extraction == "n/a"


def test_without_a_worker_the_version_waits_and_the_command_extracts_it(world: World, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    version = services.upload_documents(
        world.a.actor("coordinator"),
        world.a.agency,
        [upload_file("perwal.pdf", samples.text_pdf(["Menunggu"]))],
        DocumentMeta("peraturan"),
    )[0]
    assert DocumentVersion.objects.get(pk=version.pk).extraction == "pending"
    call_command("evidence_extract", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert DocumentVersion.objects.get(pk=version.pk).extraction == "done"


def test_re_extraction_replaces_the_pages(world: World, upload: Any) -> None:
    version = upload(world, "perwal.pdf", samples.text_pdf(["Satu", "Dua"]))
    assert run_extraction(version.pk) == "done"
    assert len(pages(version)) == 2


def test_the_task_is_queued_after_commit(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = services.upload_documents(
            world.a.actor("coordinator"),
            world.a.agency,
            [upload_file("perwal.pdf", samples.text_pdf(["Nanti"]))],
            DocumentMeta("peraturan"),
        )[0]
    assert len(callbacks) == 1
    assert DocumentVersion.objects.get(pk=version.pk).extraction == "pending"
    callbacks[0]()
    assert DocumentVersion.objects.get(pk=version.pk).extraction == "done"


@pytest.mark.parametrize("bad", [b"PK\x03\x04" + b"\x00" * 40])
def test_extractors_raise_on_damaged_zip(bad: bytes) -> None:
    import io

    from indeks.evidence.extraction import extract_pages

    with pytest.raises(Exception):  # noqa: B017, PT011 (any reader error; run_extraction turns it into 'failed')
        extract_pages("docx", io.BytesIO(bad))
