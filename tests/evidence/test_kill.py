"""kill -9 of a real server in the middle of an upload (issue 9, "a crash during an upload can break a file").

A gunicorn server runs in its own process group against its own database (SQLite file, or a PostgreSQL database of
its own when the suite runs on PostgreSQL) and its own var/ directory, with Django's temporary uploads (TMPDIR) on
another file system than the storage (/dev/shm when it exists). A 30 MB file is posted slowly with a real login;
once the server has written half of it, the whole process group is killed with SIGKILL. Then:

- no file under a final content-addressed name holds anything but its whole content, and the partial body lies in
  the storage's tmp/ area;
- the partial file the code before the fix would have left under the final name is put there, and after a restart
  the same file is uploaded twice: it is stored whole, the second upload is deduplicated onto it, and both versions
  download with their SHA-256 verified;
- ``manage.py evidence_fsck`` removes the leftover temporary file and finds nothing damaged.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("INDEKS_KILL_TEST_PORT", "8103"))
SIZE = int(os.environ.get("INDEKS_KILL_TEST_MB", "30")) * 1024 * 1024  # 100 for the probe
STEP = 256 * 1024
PAUSE = 0.02  # about 12 MB/s: the server is still receiving when it is killed
PASSWORD = "kill-test-password-123"
USERNAME = "coordinator-5171"
GUNICORN = [sys.executable, "-m", "gunicorn", "indeks.wsgi", "--workers", "1", "--timeout", "120"]
SETUP = f"""
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
from indeks.registry.models import Agency, Role, RoleAssignment
agency = Agency.objects.create(code="51.71", name="Kota Denpasar", kind="kota")
user = get_user_model().objects.create_user(username="{USERNAME}", password="{PASSWORD}")
RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, agency=agency)
print(agency.pk)
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kills a process group (POSIX)")


def _content() -> bytes:
    """An MP4 by its header (no text extraction), then fixed pseudo-random bytes (30 MB in all by default)."""
    header = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return header + random.Random(9).randbytes(SIZE - len(header))


def _other_file_system(tmp_path: Path) -> Path:
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path
    directory = base / f"indeks-kill-{os.getpid()}-{secrets.token_hex(4)}"
    directory.mkdir()
    return directory


@pytest.fixture
def server_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment of the server and its commands: a database and var/ of their own, TMPDIR elsewhere."""
    import dj_database_url

    var = tmp_path / "var"
    uploads = _other_file_system(tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "indeks.settings",
        "INDEKS_VAR_DIR": str(var),
        "INDEKS_STORAGE": "local",
        "INDEKS_TASKS": "immediate",
        "TMPDIR": str(uploads),  # Django's FILE_UPLOAD_TEMP_DIR is None: its temporary uploads go here
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    url = os.environ.get("DATABASE_URL", "")
    database = None
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        config = dj_database_url.parse(url)
        database = f"{config['NAME']}_kill"
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + database
    else:
        env["DATABASE_URL"] = f"sqlite:///{var}/kill.sqlite3"
    try:
        yield env
    finally:
        shutil.rmtree(uploads, ignore_errors=True)
        if database:
            import psycopg

            with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [*GUNICORN, "--bind", f"127.0.0.1:{PORT}"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the master and its worker are killed together
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server stopped: {log.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                connection.request("GET", "/login/")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        pytest.fail(f"the server did not answer: {log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL to the master and its worker at once: nothing gets to clean up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class Session:
    """A signed-in browser in miniature: cookies, CSRF token, requests over http.client."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def _keep(self, response: http.client.HTTPResponse) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value

    def connect(self, method: str, path: str, headers: dict[str, str]) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        connection.putrequest(method, path)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for key, value in {**headers, **({"Cookie": cookie} if cookie else {})}.items():
            connection.putheader(key, value)
        return connection

    def request(self, method: str, path: str, body: bytes = b"", **headers: str) -> tuple[int, Any, bytes]:
        connection = self.connect(method, path, {"Content-Length": str(len(body)), **headers})
        connection.endheaders(body or None)
        response = connection.getresponse()
        self._keep(response)
        return response.status, response, response.read()

    def login(self) -> None:
        status, _, page = self.request("GET", "/login/")
        assert status == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        form = urlencode({"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)})
        status, _response, _ = self.request(
            "POST", "/login/", form.encode(), **{"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, "login refused"
        assert "sessionid" in self.cookies

    def download(self, path: str) -> tuple[int, str, str, int]:
        """Status, X-Content-SHA256, SHA-256 of the body (streamed) and its size."""
        connection = self.connect("GET", path, {})
        connection.endheaders()
        response = connection.getresponse()
        digest, size = hashlib.sha256(), 0
        while chunk := response.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
        return response.status, response.getheader("X-Content-SHA256") or "", digest.hexdigest(), size


def _multipart(title: str) -> tuple[str, bytes, bytes]:
    boundary = "----indeks" + secrets.token_hex(12)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="doc_type"\r\n\r\nvideo\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="rapat-tim-spbe.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    return boundary, head, f"\r\n--{boundary}--\r\n".encode()


def _start_upload(
    session: Session, agency_id: int, title: str, size: int
) -> tuple[http.client.HTTPConnection, bytes, bytes]:
    boundary, head, tail = _multipart(title)
    connection = session.connect(
        "POST",
        f"/evidence/agency/{agency_id}/upload/",
        {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail)),
            "X-CSRFToken": session.cookies["csrftoken"],
        },
    )
    connection.endheaders()
    connection.send(head)
    return connection, head, tail


def _upload(session: Session, agency_id: int, content: bytes, title: str) -> int:
    connection, _, tail = _start_upload(session, agency_id, title, len(content))
    connection.send(content)
    connection.send(tail)
    response = connection.getresponse()
    response.read()
    return response.status


def _files(root: Path) -> dict[Path, int]:
    found = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = Path(directory, name)
            try:
                found[path] = path.stat().st_size
            except FileNotFoundError:
                continue
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def test_kill_9_mid_upload_leaves_no_partial_object_and_the_file_uploads_whole_after(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    started = time.monotonic()
    content = _content()
    sha = hashlib.sha256(content).hexdigest()
    media = Path(server_env["INDEKS_VAR_DIR"]) / "media"
    uploads = Path(server_env["TMPDIR"])
    made = _manage(server_env, "shell", "-c", SETUP)  # migrate, then the agency and its coordinator
    assert made.returncode == 0, made.stderr
    agency_id = int(made.stdout.strip().splitlines()[-1])
    log = tmp_path / "server.log"
    prepared = time.monotonic() - started

    # 1. Post the file slowly; once the server has written half of it, kill -9 the master and the worker.
    server = Server(server_env, log)
    try:
        session = Session()
        session.login()
        posting = time.monotonic()
        connection, _, tail = _start_upload(session, agency_id, "Rapat tim SPBE", len(content))
        sent = 0
        while sent < SIZE // 2:
            connection.send(content[sent : sent + STEP])
            sent += STEP
            time.sleep(PAUSE)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and max(_files(media).values(), default=0) < SIZE * 0.4:
            time.sleep(0.01)
        if not _files(media):
            # The code before the fix received the body into TMPDIR and wrote the storage only afterwards: send the
            # rest and kill at the first byte written under media/ (that is when it left a partial final file).
            connection.send(content[sent:] + tail)
            sent = SIZE
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not _files(media):
                pass
        server.kill()
    finally:
        server.stop()
    posted = time.monotonic() - posting
    killed_at = time.monotonic() - started
    connection.close()

    # 2. Nothing under a final name but whole content; the partial body is in the storage's tmp/ area.
    finals = {p: s for p, s in _files(media / "evidence").items()}
    for path, size in finals.items():
        assert _sha256(path) == path.stem, f"a partial object under its final name: {path} ({size:,} of {SIZE:,} B)"
    leftovers = _files(media / "tmp")
    assert len(leftovers) == 1, leftovers
    [(leftover, leftover_size)] = leftovers.items()
    assert leftover.name.startswith("upload-")
    assert leftover.suffix == ".part"
    assert 0 < leftover_size < SIZE
    assert os.stat(leftover).st_dev == os.stat(media).st_dev
    assert not [p for p in _files(uploads) if ".upload" in p.name], "the body went to TMPDIR, not the storage"

    # 3. What the code before the fix left: the partial file under the final name (with no record). It is never
    # deduplicated onto: after a restart the same file is stored whole, then deduplicated, then downloaded.
    final = media / "evidence" / sha[:2] / sha[2:4] / f"{sha}.mp4"
    final.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(leftover, final)
    server = Server(server_env, log)
    try:
        session = Session()
        session.login()
        upload_started = time.monotonic()
        assert _upload(session, agency_id, content, "Rapat tim SPBE") == 302
        upload_seconds = time.monotonic() - upload_started
        assert _sha256(final) == sha
        assert _upload(session, agency_id, content, "Rapat tim SPBE (salinan)") == 302
        assert set(_files(media / "evidence")) == {final}
        status, _, library = session.request("GET", f"/evidence/agency/{agency_id}/")
        assert status == 200
        documents = sorted(set(re.findall(rb'href="/evidence/document/(\d+)/"', library)))
        assert len(documents) == 2
        downloads = []
        for document in documents:
            status, _, page = session.request("GET", f"/evidence/document/{int(document)}/")
            assert status == 200
            downloads += re.findall(rb'href="(/evidence/version/\d+/download/)"', page)
        assert len(set(downloads)) == 2
        download_started = time.monotonic()
        for path in sorted(set(downloads)):
            assert session.download(path.decode()) == (200, sha, sha, SIZE)
        download_seconds = (time.monotonic() - download_started) / 2

        # 4. The clean-up command removes the leftover (threshold 0 here; an hour by default) and finds no damage.
        fsck = _manage(server_env, "evidence_fsck", "--older-than", "0")
    finally:
        server.stop()
    assert fsck.returncode == 0, fsck.stderr
    assert "1 temporary file(s) removed" in fsck.stdout
    assert "1 evidence file(s) verified" in fsck.stdout
    assert "0 damaged" in fsck.stdout
    assert not leftover.exists()
    assert _sha256(final) == sha
    print(
        f"\nkill test ({os.environ.get('DATABASE_URL', 'sqlite').split(':')[0]}): {SIZE:,} B file, killed after "
        f"{sent:,} B sent in {posted:.1f} s with {leftover_size:,} B received into tmp/ ({killed_at:.1f} s in, "
        f"{prepared:.1f} s of it migrating); upload after restart "
        f"{upload_seconds:.2f} s, verified download {download_seconds:.2f} s; {fsck.stdout.strip()}; "
        f"total {time.monotonic() - started:.1f} s"
    )
