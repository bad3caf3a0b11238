"""Uploading evidence through the service: content-addressed storage, refusals, versions, links, soft delete."""

from __future__ import annotations

import hashlib
import io
import threading
from typing import Any

import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from indeks.audit.models import AuditEntry
from indeks.errors import ActionRefused
from indeks.evidence import samples, services
from indeks.evidence.models import Blob, Document, DocumentVersion, EvidenceLink
from indeks.evidence.services import DocumentMeta
from tests.evidence.conftest import upload_file
from tests.platform.conftest import World, to_signing

pytestmark = pytest.mark.usefixtures("english")
PDF = samples.text_pdf(["Peraturan Wali Kota tentang Arsitektur SPBE"])


def _files_under(root: Any) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_upload_stores_content_once_by_sha256(world: World, upload: Any, settings: Any) -> None:
    first = upload(world, "perwal.pdf", PDF, title="Perwal 12/2024", number="12/2024")
    second = upload(world, "salinan.pdf", PDF, title="Salinan")
    sha = hashlib.sha256(PDF).hexdigest()
    assert first.blob.sha256 == sha
    assert first.blob.size == len(PDF)
    assert first.blob.kind == "pdf"
    assert second.blob_id == first.blob_id
    assert Blob.objects.count() == 1
    assert Document.objects.count() == 2
    assert _files_under(settings.MEDIA_ROOT) == [f"evidence/{sha[:2]}/{sha[2:4]}/{sha}.pdf"]
    with default_storage.open(first.blob.name, "rb") as stored:
        assert stored.read() == PDF
    entry = AuditEntry.objects.filter(action="evidence.upload").first()
    assert entry is not None
    assert sha in entry.new
    assert entry.agency_id == world.a.agency.pk


def test_metadata_is_kept(world: World, upload: Any) -> None:
    from datetime import date

    version = upload(
        world,
        "sk.pdf",
        PDF,
        doc_type="keputusan",
        title="SK Tim SPBE",
        number="800/12",
        issuer="Wali Kota",
        issued_on=date(2024, 3, 1),
        effective_on=date(2024, 4, 1),
        unit=world.a.units["kominfo"],
        is_draft=True,
    )
    document = version.document
    assert (document.doc_type, document.number, document.issuer, document.is_draft) == (
        "keputusan",
        "800/12",
        "Wali Kota",
        True,
    )
    assert document.issued_on == date(2024, 3, 1)
    assert document.effective_on == date(2024, 4, 1)
    assert document.unit == world.a.units["kominfo"]
    assert version.number == 1
    assert version.original_name == "sk.pdf"


def test_many_files_make_many_documents(world: World) -> None:
    files = [upload_file("a.pdf", samples.text_pdf(["a"])), upload_file("b.png", samples.PNG)]
    versions = services.upload_documents(
        world.a.actor("operator"), world.a.agency, files, DocumentMeta("tangkapan_layar", title="Layanan")
    )
    assert [v.document.title for v in versions] == ["Layanan — a", "Layanan — b"]


def test_one_refused_file_stores_nothing(world: World, settings: Any) -> None:
    files = [upload_file("a.pdf", PDF), upload_file("b.pdf", b"")]
    with pytest.raises(ActionRefused) as refused:
        services.upload_documents(world.a.actor("coordinator"), world.a.agency, files, DocumentMeta("peraturan"))
    assert "b.pdf is empty" in " ".join(map(str, refused.value.problems))
    assert not Document.objects.exists()
    assert not Blob.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kosong.pdf", b"", "is empty"),
        ("laporan.pdf", samples.docx(["x"]), "named as PDF but its content is Word"),
        ("foto.pdf", samples.PNG, "named as PDF but its content is PNG"),
        ("program.pdf", b"MZ\x90\x00" + b"\0" * 100, "not accepted"),
    ],
)
def test_refused_uploads_leave_nothing(world: World, settings: Any, name: str, content: bytes, message: str) -> None:
    with pytest.raises(ActionRefused, match=message):
        services.upload_documents(
            world.a.actor("coordinator"), world.a.agency, [upload_file(name, content)], DocumentMeta("peraturan")
        )
    assert not Document.objects.exists()
    assert not Blob.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []


def test_oversize_is_refused(world: World, settings: Any) -> None:
    settings.INDEKS_EVIDENCE_MAX_BYTES = 100
    assert len(PDF) > 100
    with pytest.raises(ActionRefused, match="larger than 0 MB"):
        services.upload_documents(
            world.a.actor("coordinator"), world.a.agency, [upload_file("x.pdf", PDF)], DocumentMeta("peraturan")
        )
    assert not Document.objects.exists()


class Unsized(io.BytesIO):
    """An upload that does not declare its size: the limit is enforced while streaming."""

    name = "besar.pdf"


def test_oversize_is_refused_while_streaming(world: World, settings: Any) -> None:
    settings.INDEKS_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ActionRefused, match="larger than"):
        services.check_upload(Unsized(PDF))


def test_path_in_the_name_is_dropped(world: World, upload: Any, settings: Any) -> None:
    version = upload(world, "../../../../etc/perwal.pdf", PDF)
    assert version.original_name == "perwal.pdf"
    assert all(p.startswith("evidence/") for p in _files_under(settings.MEDIA_ROOT))


class Failing(SimpleUploadedFile):
    """An upload whose stream breaks after ``after`` chunks on its ``on``-th reading."""

    def __init__(self, content: bytes, *, on: int, after: int = 1) -> None:
        super().__init__("perwal.pdf", content)
        self.readings = 0
        self.on = on
        self.after = after

    def chunks(self, chunk_size: int | None = None) -> Any:
        self.readings += 1
        for k, chunk in enumerate(File.chunks(self, 1024)):
            if self.readings == self.on and k >= self.after:
                raise OSError("connection lost")
            yield chunk


@pytest.mark.parametrize("on", [1, 2], ids=["while-hashing", "while-storing"])
def test_interrupted_upload_leaves_no_record_and_no_half_file(world: World, settings: Any, on: int) -> None:
    content = samples.text_pdf(["x " * 3000] * 3)
    assert len(content) > 4096
    with pytest.raises(OSError, match="connection lost"):
        services.upload_documents(
            world.a.actor("coordinator"), world.a.agency, [Failing(content, on=on)], DocumentMeta("peraturan")
        )
    assert not Document.objects.exists()
    assert not Blob.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []


def test_records_failing_after_the_file_was_written_remove_the_file(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        services.upload_documents(
            world.a.actor("coordinator"), world.a.agency, [upload_file("x.pdf", PDF)], DocumentMeta("peraturan")
        )
    assert not Blob.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []


def test_an_identical_upload_committed_meanwhile_is_reused(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race, made deterministic: another request stores the same content between our check and our insert."""
    from indeks import files

    real_write = files.write

    def write_after_the_other_request(upload: Any, name: str, sha256: str, size: int) -> None:
        monkeypatch.setattr(files, "write", real_write)
        other = services.upload_documents(
            world.a.actor("operator"), world.a.agency, [upload_file("other.pdf", PDF)], DocumentMeta("peraturan")
        )
        assert other[0].blob.name == name
        real_write(upload, name, sha256, size)

    monkeypatch.setattr(files, "write", write_after_the_other_request)
    ours = services.check_upload(upload_file("ours.pdf", PDF))
    blob, wrote = services._store_blob(ours, world.a.actor("coordinator"))
    assert wrote is False
    assert Blob.objects.count() == 1
    assert Blob.objects.get() == blob
    assert len(_files_under(settings.MEDIA_ROOT)) == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared-cache in-memory test database takes table locks without waiting; run on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_uploads_store_one_blob(settings: Any, tmp_path: Any) -> None:
    from django.db import connections

    from tests.platform.conftest import make_agency, open_round

    settings.MEDIA_ROOT = tmp_path / "media"
    round_ = open_round()
    side = make_agency(round_, "51.71", "Kota Denpasar")
    content = samples.text_pdf(["sama"] * 5)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            barrier.wait()
            services.upload_documents(
                side.actor("coordinator"), side.agency, [upload_file(f"c{k}.pdf", content)], DocumentMeta("peraturan")
            )
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Blob.objects.count() == 1
    assert DocumentVersion.objects.filter(blob__isnull=False).values("blob").distinct().count() == 1
    assert Document.objects.count() == 4
    assert len(_files_under(settings.MEDIA_ROOT)) == 1
    assert connection.vendor in ("sqlite", "postgresql")


def test_a_link_is_registered_with_its_login_note(world: World) -> None:
    version = services.register_link(
        world.a.actor("operator"),
        world.a.agency,
        "https://layanan.denpasarkota.go.id/",
        "user: asesor / pass: uji",
        DocumentMeta("tautan"),
    )
    assert version.url == "https://layanan.denpasarkota.go.id/"
    assert version.blob is None
    assert version.document.title == "https://layanan.denpasarkota.go.id/"
    assert version.extraction == "n/a"
    with pytest.raises(ActionRefused, match="https://"):
        services.register_link(
            world.a.actor("operator"), world.a.agency, "javascript:alert(1)", "", DocumentMeta("tautan")
        )


def test_a_new_version_keeps_the_old_one_and_links_stay_on_their_version(world: World, upload: Any) -> None:
    first = upload(world, "perwal.pdf", PDF)
    actor = world.a.actor("coordinator")
    link = services.link(actor, world.a.participation, 1, first, "Pasal 5, hal. 3")
    second = services.add_version(actor, first.document, upload_file("perwal-rev.pdf", samples.text_pdf(["rev"])))
    assert second.number == 2
    assert list(first.document.versions.values_list("number", flat=True)) == [2, 1]
    link.refresh_from_db()
    assert link.version == first
    assert AuditEntry.objects.filter(action="evidence.version").exists()


def test_units_of_another_agency_are_refused(world: World) -> None:
    with pytest.raises(ActionRefused, match="Units must belong"):
        services.upload_documents(
            world.a.actor("coordinator"),
            world.a.agency,
            [upload_file("x.pdf", PDF)],
            DocumentMeta("peraturan", unit=world.b.units["kominfo"]),
        )


def test_soft_delete_keeps_the_record_and_is_audited(world: World, upload: Any) -> None:
    version = upload(world, "perwal.pdf", PDF)
    services.delete_document(world.a.actor("coordinator"), version.document)
    document = Document.objects.get(pk=version.document_id)
    assert document.deleted_at is not None
    assert document.deleted_by == world.a.users["coordinator"]
    assert DocumentVersion.objects.filter(pk=version.pk).exists()
    assert Blob.objects.exists()
    assert AuditEntry.objects.filter(action="evidence.delete", old=document.title).exists()
    with pytest.raises(ActionRefused, match="deleted"):
        services.delete_document(world.a.actor("coordinator"), document)


def test_a_document_used_by_a_frozen_answer_cannot_be_removed(world: World, upload: Any) -> None:
    version = upload(world, "perwal.pdf", PDF)
    services.link(world.a.actor("coordinator"), world.a.participation, 1, version)
    to_signing(world)
    with pytest.raises(ActionRefused, match="frozen or submitted"):
        services.delete_document(world.a.actor("coordinator"), version.document)
    assert Document.objects.get(pk=version.document_id).deleted_at is None


def test_metadata_changes_are_audited(world: World, upload: Any) -> None:
    version = upload(world, "perwal.pdf", PDF, title="Perwal")
    services.update_metadata(
        world.a.actor("operator"), version.document, DocumentMeta("peraturan", title="Perwal 5/2024", number="5")
    )
    fields = set(AuditEntry.objects.filter(action="evidence.metadata").values_list("field", flat=True))
    assert fields == {"title", "number"}


def test_who_may_upload_and_change(world: World, upload: Any) -> None:
    from django.core.exceptions import PermissionDenied

    for who in ("leadership", "official"):
        with pytest.raises(PermissionDenied):
            upload(world, "x.pdf", PDF, who=who)
    with pytest.raises(PermissionDenied):
        services.upload_documents(world.admin_actor(), world.a.agency, [upload_file("x.pdf", PDF)], DocumentMeta("sop"))
    mine = upload(world, "mine.pdf", PDF, who="respondent_bappeda")
    theirs = upload(world, "theirs.pdf", samples.text_pdf(["b"]), who="coordinator", unit=world.a.units["kominfo"])
    bappeda = world.a.actor("respondent_bappeda")
    services.update_metadata(bappeda, mine.document, DocumentMeta("sop", title="Milik Bappeda"))
    with pytest.raises(PermissionDenied):
        services.update_metadata(bappeda, theirs.document, DocumentMeta("sop", title="x"))
    services.update_metadata(world.a.actor("respondent_kominfo"), theirs.document, DocumentMeta("sop", title="y"))
    EvidenceLink.objects.all().delete()


def test_demo_evidence(world: World) -> None:
    from indeks.evidence.checks import participation_warnings
    from indeks.evidence.demo import DOCUMENTS, build_demo_evidence

    count = build_demo_evidence([world.a.participation, world.b.participation])
    assert count == 2 * len(DOCUMENTS)
    assert Blob.objects.count() == len(DOCUMENTS)  # identical demo files are stored once
    assert build_demo_evidence([world.a.participation]) == 0
    assert EvidenceLink.objects.filter(participation=world.a.participation, indicator=1).count() == 2
    assert DocumentVersion.objects.filter(extraction="done").count() == 2 * 4
    assert [w.code for w in participation_warnings(world.a.participation)[3]] == ["draft_only", "no_number_or_date"]
