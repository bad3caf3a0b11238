"""Upload and download round-trip against a local S3 server (moto in server mode) through django-storages."""

from __future__ import annotations

import hashlib
import io
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from indeks.evidence import samples
from indeks.evidence.models import Blob
from tests.platform.conftest import World, login

boto3 = pytest.importorskip("boto3")
MOTO = shutil.which("moto_server") or str(Path(__import__("sys").executable).with_name("moto_server"))
pytestmark = pytest.mark.skipif(not Path(MOTO).exists(), reason="moto[server] is not installed")
BUCKET = "indeks-evidence-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [MOTO, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("moto_server did not start")
        client = boto3.client(
            "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3_storage(settings: Any, s3_endpoint: str) -> None:
    settings.STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_ACCESS_KEY_ID = "test"
    settings.AWS_SECRET_ACCESS_KEY = "test"
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_S3_FILE_OVERWRITE = True


@pytest.mark.usefixtures("s3_storage")
def test_upload_extract_and_download_round_trip_on_s3(world: World, upload: Any, s3_endpoint: str) -> None:
    assert type(storages["default"]).__name__ == "S3Storage"
    content = samples.text_pdf(["Arsitektur SPBE di S3"] * 3)
    version = upload(world, "perwal.pdf", content)
    again = upload(world, "salinan.pdf", content)
    assert again.blob_id == version.blob_id
    assert Blob.objects.count() == 1
    assert version.extraction == "done"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    stored = client.get_object(Bucket=BUCKET, Key=version.blob.name)["Body"].read()
    assert stored == content
    response = login(world.a.users["coordinator"]).get(reverse("evidence:download", args=[version.pk]))
    assert b"".join(response.streaming_content) == content
    assert response["X-Content-SHA256"] == hashlib.sha256(content).hexdigest()
    client.put_object(Bucket=BUCKET, Key=version.blob.name, Body=content + b"tampered")
    assert login(world.a.users["coordinator"]).get(reverse("evidence:download", args=[version.pk])).status_code == 409


def _client(endpoint: str) -> Any:
    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )


def _keys(client: Any, prefix: str) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []))


@pytest.mark.usefixtures("s3_storage")
def test_s3_writes_go_through_a_verified_temporary_object(world: World, s3_endpoint: str) -> None:
    from indeks import files

    client = _client(s3_endpoint)
    content = samples.PNG + bytes(range(256)) * 4000
    sha = hashlib.sha256(content).hexdigest()
    name = f"evidence/{sha[:2]}/{sha[2:4]}/{sha}.png"
    with pytest.raises(files.WriteFailed):
        files.write(io.BytesIO(content), name, "0" * 64, len(content))
    assert _keys(client, name) == []  # a copy that fails its check never reaches the final key
    files.write(io.BytesIO(content), name, sha, len(content))
    assert client.get_object(Bucket=BUCKET, Key=name)["Body"].read() == content
    assert _keys(client, "tmp/") == []
    assert files.check(name, sha, len(content)) is None
    client.put_object(Bucket=BUCKET, Key=name, Body=content[:1000])
    assert files.check(name, sha, len(content)) == "size"
    assert files.check("evidence/no/such/file.png", sha, len(content)) == "missing"


@pytest.mark.usefixtures("s3_storage")
def test_evidence_fsck_on_s3_removes_leftovers_and_flags_damage(
    world: World, upload: Any, s3_endpoint: str, capsys: Any
) -> None:
    from django.core.management import CommandError, call_command

    client = _client(s3_endpoint)
    version = upload(world, "foto.png", samples.PNG + b"\0" * 3000, doc_type="tangkapan_layar")
    client.put_object(Bucket=BUCKET, Key="tmp/write-killed.part", Body=b"partial")
    client.put_object(Bucket=BUCKET, Key="tmp/notes.txt", Body=b"not ours")
    client.create_multipart_upload(Bucket=BUCKET, Key="tmp/write-killedtoo.part")
    call_command("evidence_fsck", "--older-than", "0")
    out = capsys.readouterr().out
    assert "1 temporary file(s) removed (7 bytes), 1 incomplete multipart upload(s) aborted" in out
    assert "1 evidence file(s) verified" in out
    assert _keys(client, "tmp/") == ["tmp/notes.txt"]
    assert client.list_multipart_uploads(Bucket=BUCKET, Prefix="tmp/").get("Uploads", []) == []
    client.put_object(Bucket=BUCKET, Key=version.blob.name, Body=b"\x89PNG broken")
    with pytest.raises(CommandError, match="1 stored file"):
        call_command("evidence_fsck")
    assert Blob.objects.get().damage == "size"
    client.delete_object(Bucket=BUCKET, Key="tmp/notes.txt")
