"""Stored files under faults: atomic verified writes, repair on deduplication, damaged downloads, evidence_fsck."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from indeks import files
from indeks.audit.models import AuditEntry
from indeks.errors import ActionRefused
from indeks.evidence import samples, services
from indeks.evidence.models import Blob
from indeks.evidence.services import DocumentMeta
from tests.evidence.conftest import upload_file
from tests.platform.conftest import MINIMAL_PDF, World, login, to_signing

pytestmark = pytest.mark.usefixtures("english")
# A PNG by content (no text extraction to wait for), large enough to be streamed in several chunks.
PNG = samples.PNG + bytes(range(256)) * 1200
CHUNKS_WATCHED = 64 * 1024


def _path(name: str) -> Path:
    return Path(default_storage.path(name))


def _temp_area() -> list[Path]:
    directory = _path(files.TEMP_AREA)
    return sorted(directory.iterdir()) if directory.is_dir() else []


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[Path]:
    """A directory for Django's temporary uploads on another file system than the storage when there is one."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path
    directory = base / f"indeks-uploads-{os.getpid()}-{time.monotonic_ns()}"
    directory.mkdir()
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


class Watched:
    """Mixin: while the storage reads the upload, the final name must hold nothing and the data go to tmp/."""

    final: Path
    seen: list[tuple[bool, int]]

    def chunks(self, chunk_size: int | None = None) -> Any:
        for chunk in File.chunks(self, CHUNKS_WATCHED):  # type: ignore[arg-type]
            if getattr(self, "final", None) is not None:
                self.seen.append((self.final.exists(), len(_temp_area())))
            yield chunk


class WatchedMemoryUpload(Watched, SimpleUploadedFile):
    pass


class WatchedTemporaryUpload(Watched, TemporaryUploadedFile):
    pass


def _watched(kind: str, content: bytes) -> Any:
    if kind == "memory":
        return WatchedMemoryUpload("foto.png", content)
    upload = WatchedTemporaryUpload("foto.png", "image/png", len(content), None)
    upload.write(content)
    upload.seek(0)
    return upload


@pytest.mark.parametrize("kind", ["memory", "temporary-file-elsewhere"])
def test_the_final_name_never_holds_a_partial_file(world: World, settings: Any, elsewhere: Path, kind: str) -> None:
    """Written to tmp/ in the storage's own folder (same file system), verified, then renamed: never half there."""
    settings.FILE_UPLOAD_TEMP_DIR = str(elsewhere)
    upload = _watched(kind, PNG)
    checked = services.check_upload(upload)
    name = f"evidence/{checked.sha256[:2]}/{checked.sha256[2:4]}/{checked.sha256}.png"
    upload.final, upload.seen = _path(name), []
    services.upload_documents(world.a.actor("coordinator"), world.a.agency, [upload], DocumentMeta("tangkapan_layar"))
    assert len(upload.seen) >= 2, "the storage did not stream the upload"
    assert all(exists is False for exists, _ in upload.seen), "a partial file was visible under the final name"
    assert sum(1 for _, count in upload.seen if count == 1) >= 2, "the data did not go to the storage's tmp/ area"
    assert os.stat(_path(files.TEMP_AREA)).st_dev == os.stat(settings.MEDIA_ROOT).st_dev
    assert hashlib.sha256(_path(name).read_bytes()).hexdigest() == checked.sha256
    assert _temp_area() == []
    upload.close()


def test_an_upload_received_into_the_storage_is_linked_not_copied(world: World) -> None:
    """What SpoolToStorage receives (the large uploads of the evidence pages) becomes the stored file by a link."""
    upload = files.SpooledUpload("foto.png", "image/png", 0, None)
    upload.write(PNG)
    upload.size = len(PNG)
    upload.seek(0)
    spooled = Path(upload.temporary_file_path())
    assert spooled.parent == _path(files.TEMP_AREA)
    version = services.upload_documents(
        world.a.actor("coordinator"), world.a.agency, [upload], DocumentMeta("tangkapan_layar")
    )[0]
    stored = _path(version.blob.name)
    assert os.path.samefile(stored, spooled)  # one inode, no second copy of the bytes
    upload.close()  # Django removes its name at the end of the request; the stored file stays
    assert _temp_area() == []
    assert stored.read_bytes() == PNG


def test_a_copy_that_fails_its_check_is_never_put_under_the_final_name(world: World) -> None:
    name = "evidence/00/00/" + "0" * 64 + ".png"
    with pytest.raises(files.WriteFailed):
        files.write(io.BytesIO(PNG), name, "0" * 64, len(PNG))
    with pytest.raises(files.WriteFailed):
        files.write(io.BytesIO(PNG), name, hashlib.sha256(PNG).hexdigest(), len(PNG) + 1)
    assert not _path(name).exists()
    assert _temp_area() == []
    checked = services.check_upload(upload_file("foto.png", PNG))
    wrong = services.Checked(checked.upload, checked.name, checked.kind, "f" * 64, checked.size)
    with pytest.raises(ActionRefused, match="could not be stored intact"):
        services._store_blob(wrong)
    assert not Blob.objects.exists()


def _damage(name: str, how: str) -> None:
    path = _path(name)
    content = path.read_bytes()
    if how == "truncated":
        path.write_bytes(content[: len(content) // 2])
    elif how == "missing":
        path.unlink()
    else:  # same size, one byte changed (bit rot, a bad restore)
        path.write_bytes(content[:100] + bytes([content[100] ^ 1]) + content[101:])


@pytest.mark.parametrize("how", ["truncated", "changed", "missing"])
def test_deduplication_verifies_the_stored_file_and_repairs_it(world: World, upload: Any, how: str) -> None:
    first = upload(world, "foto.png", PNG, doc_type="tangkapan_layar")
    _damage(first.blob.name, how)
    second = upload(world, "salinan.png", PNG, doc_type="tangkapan_layar")
    assert second.blob_id == first.blob_id
    assert Blob.objects.count() == 1
    assert hashlib.sha256(_path(first.blob.name).read_bytes()).hexdigest() == first.blob.sha256
    entry = AuditEntry.objects.get(action="evidence.repaired")
    assert entry.actor == world.a.users["coordinator"]
    assert first.blob.sha256 in entry.new
    response = login(world.a.users["coordinator"]).get(reverse("evidence:download", args=[first.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_deduplication_onto_a_whole_file_leaves_it_alone(world: World, upload: Any) -> None:
    first = upload(world, "foto.png", PNG, doc_type="tangkapan_layar")
    inode = os.stat(_path(first.blob.name)).st_ino
    upload(world, "salinan.png", PNG, doc_type="tangkapan_layar")
    assert os.stat(_path(first.blob.name)).st_ino == inode
    assert not AuditEntry.objects.filter(action="evidence.repaired").exists()


def test_a_file_left_under_its_final_name_without_a_record_is_replaced(world: World, upload: Any) -> None:
    """What a crash left before this fix (a partial file under the final name, no Blob) is never trusted."""
    sha = hashlib.sha256(PNG).hexdigest()
    name = f"evidence/{sha[:2]}/{sha[2:4]}/{sha}.png"
    _path(name).parent.mkdir(parents=True)
    _path(name).write_bytes(PNG[: len(PNG) // 3])
    version = upload(world, "foto.png", PNG, doc_type="tangkapan_layar")
    assert version.blob.name == name
    assert _path(name).read_bytes() == PNG


@pytest.mark.parametrize("how", ["truncated", "changed", "missing"])
def test_a_damaged_download_answers_a_clear_page_and_flags_the_file(world: World, upload: Any, how: str) -> None:
    version = upload(world, "foto.png", PNG, title="Perwal Arsitektur", doc_type="tangkapan_layar")
    _damage(version.blob.name, how)
    response = login(world.a.users["leadership"]).get(reverse("evidence:download", args=[version.pk]))
    assert response.status_code == 409
    page = response.content.decode()
    assert "File failed its integrity check" in page
    assert "Perwal Arsitektur" in page
    assert "Traceback" not in page
    blob = Blob.objects.get()
    assert blob.damaged_at is not None
    assert blob.damage == {"truncated": "size", "changed": "sha256", "missing": "missing"}[how]
    assert AuditEntry.objects.filter(action="evidence.damaged").count() == 1
    assert AuditEntry.objects.get(action="evidence.integrity_failed").agency_id == world.a.agency.pk
    # The national admin sees it on the rounds page and in the list.
    admin = login(world.admin)
    assert "1 stored file is damaged" in admin.get(reverse("rounds:list")).content.decode()
    listing = admin.get(reverse("evidence:integrity")).content.decode()
    assert blob.sha256 in listing
    assert "Perwal Arsitektur" in listing
    assert login(world.a.users["coordinator"]).get(reverse("evidence:integrity")).status_code == 404
    # The same file uploaded again repairs it and lifts the flag.
    upload(world, "lagi.png", PNG, doc_type="tangkapan_layar")
    blob.refresh_from_db()
    assert blob.damaged_at is None
    assert login(world.a.users["leadership"]).get(reverse("evidence:download", args=[version.pk])).status_code == 200
    assert "stored file is damaged" not in admin.get(reverse("rounds:list")).content.decode()


def test_the_indonesian_integrity_page(world: World, upload: Any) -> None:
    version = upload(world, "foto.png", PNG, doc_type="tangkapan_layar")
    _damage(version.blob.name, "truncated")
    client = login(world.a.users["coordinator"])
    client.cookies["django_language"] = "id"
    response = client.get(reverse("evidence:download", args=[version.pk]))
    assert response.status_code == 409
    assert "Berkas gagal pemeriksaan integritas" in response.content.decode()


def test_a_zip_with_a_truncated_file_answers_the_page_before_any_byte(world: World, upload: Any) -> None:
    version = upload(world, "foto.png", PNG, doc_type="tangkapan_layar")
    services.link(world.a.actor("coordinator"), world.a.participation, 1, version)
    _damage(version.blob.name, "truncated")
    client = login(world.a.users["coordinator"])
    for url in (
        reverse("evidence:agency_zip", args=[world.a.agency.pk]),
        reverse("evidence:indicator_zip", args=[world.a.participation.pk, 1]),
    ):
        response = client.get(url)
        assert response.status_code == 409
        assert "File failed its integrity check" in response.content.decode()
    assert Blob.objects.get().damage == "size"


def test_a_zip_member_changed_in_place_is_flagged_and_never_completed(world: World, upload: Any) -> None:
    version = upload(world, "foto.png", samples.PNG + os.urandom(3 * files.CHUNK), doc_type="tangkapan_layar")
    _damage(version.blob.name, "changed")
    response = login(world.a.users["coordinator"]).get(reverse("evidence:agency_zip", args=[world.a.agency.pk]))
    assert response.status_code == 200  # sizes are right: the change shows only once the file is hashed
    received: list[bytes] = []
    with pytest.raises(files.Damaged):
        received.extend(response.streaming_content)
    assert len(b"".join(received)) < version.blob.size  # the last chunk was withheld: unusable, never wrong
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(b"".join(received)))
    assert Blob.objects.get().damage == "sha256"
    again = login(world.a.users["coordinator"]).get(reverse("evidence:agency_zip", args=[world.a.agency.pk]))
    assert again.status_code == 409


def test_a_damaged_signed_scan_answers_a_clear_page_and_is_flagged(world: World) -> None:
    from indeks.assessment import services as assessment_services
    from indeks.assessment.models import SignedDocument, SignedDocumentKind

    to_signing(world)
    document = assessment_services.upload_signed(
        world.a.actor("coordinator"),
        world.a.participation,
        SignedDocumentKind.BERITA_ACARA,
        SimpleUploadedFile("ba.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    url = reverse("assessment:signed_download", args=[world.a.participation.pk, SignedDocumentKind.BERITA_ACARA])
    client = login(world.a.users["coordinator"])
    assert client.get(url).status_code == 200
    _damage(document.file.name, "truncated")
    response = client.get(url)
    assert response.status_code == 409
    assert "File failed its integrity check" in response.content.decode()
    document = SignedDocument.objects.get()
    assert document.damage == "size"
    assert AuditEntry.objects.filter(action="signed.integrity_failed").exists()
    assert world.a.agency.name in login(world.admin).get(reverse("evidence:integrity")).content.decode()


def _leftover(name: str, age: float, content: bytes = b"partial") -> Path:
    directory = files.local_temp_dir()
    path = directory / name
    path.write_bytes(content)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_evidence_fsck_removes_old_temporary_files_and_reverifies(world: World, upload: Any, capsys: Any) -> None:
    whole = upload(world, "foto.png", PNG, doc_type="tangkapan_layar")
    broken = upload(world, "foto.png", samples.PNG + b"\0" * 5000, doc_type="tangkapan_layar")
    old = _leftover("upload-killedworker.part", 7200, b"x" * 1000)
    old_write = _leftover("write-killedworker.part", 7200)
    fresh = _leftover("upload-stillrunning.part", 10)
    foreign = _leftover("notes.txt", 7200)
    _damage(broken.blob.name, "truncated")
    with pytest.raises(CommandError, match="1 stored file"):
        call_command("evidence_fsck")
    line = capsys.readouterr().out.strip()
    assert line.startswith("evidence_fsck: 2 temporary file(s) removed (1,007 bytes)")
    assert "2 evidence file(s) verified" in line
    assert "1 damaged" in line
    assert not old.exists()
    assert not old_write.exists()
    assert fresh.exists()
    assert foreign.exists()  # only names the platform makes are removed
    assert Blob.objects.get(pk=broken.blob_id).damage == "size"
    assert Blob.objects.get(pk=whole.blob_id).damaged_at is None
    assert _path(whole.blob.name).read_bytes() == PNG  # nothing whole is touched
    # A second run: the damaged file is still damaged (evidence_fsck repairs nothing), audited only once.
    with pytest.raises(CommandError):
        call_command("evidence_fsck", "--older-than", "0")
    assert not fresh.exists()
    assert AuditEntry.objects.filter(action="evidence.damaged").count() == 1
    # Restored from a backup: the next run lifts the flag.
    _path(broken.blob.name).write_bytes(samples.PNG + b"\0" * 5000)
    call_command("evidence_fsck")
    assert "1 whole again" in capsys.readouterr().out
    assert Blob.objects.get(pk=broken.blob_id).damaged_at is None
    assert AuditEntry.objects.filter(action="evidence.integrity_restored").count() == 1


def test_evidence_fsck_temporary_only_and_the_task(world: World, upload: Any, capsys: Any) -> None:
    from indeks.evidence.tasks import check_storage

    version = upload(world, "foto.png", PNG, doc_type="tangkapan_layar")
    _damage(version.blob.name, "truncated")
    _leftover("upload-a.part", 7200)
    call_command("evidence_fsck", "--temporary-only")
    assert "1 temporary file(s) removed" in capsys.readouterr().out
    assert Blob.objects.get().damaged_at is None  # not re-verified
    result = check_storage.enqueue(3600)  # the periodic task runs the same check (immediate backend in tests)
    assert "1 damaged" in result.return_value
    assert Blob.objects.get().damage == "size"


def test_the_admin_queues_a_check_from_the_page(world: World, upload: Any) -> None:
    version = upload(world, "foto.png", PNG, doc_type="tangkapan_layar")
    _damage(version.blob.name, "missing")
    response = login(world.admin).post(reverse("evidence:integrity"), follow=True)
    assert response.status_code == 200
    assert "missing from the storage" in response.content.decode()
    assert login(world.a.users["coordinator"]).post(reverse("evidence:integrity")).status_code == 404


def test_evidence_fsck_with_a_limit_cycles_through_the_least_recently_checked(
    world: World, upload: Any, capsys: Any
) -> None:
    versions = [
        upload(world, f"foto{k}.png", samples.PNG + bytes([k]) * 2000, doc_type="tangkapan_layar") for k in range(3)
    ]
    Blob.objects.update(checked_at=None)
    _damage(versions[2].blob.name, "truncated")
    call_command("evidence_fsck", "--max-files", "2")
    assert "2 evidence file(s) verified" in capsys.readouterr().out
    assert Blob.objects.filter(checked_at__isnull=True).get().pk == versions[2].blob_id
    with pytest.raises(CommandError, match="1 stored file"):
        call_command("evidence_fsck", "--max-files", "1")  # the one never checked comes first
    for wrong in (["--max-files", "0"], ["--older-than", "-1"]):
        with pytest.raises(CommandError, match="must be"):
            call_command("evidence_fsck", *wrong)
