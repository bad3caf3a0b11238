"""Stored files that must never be seen half-written: atomic verified writes, streamed checks, the temporary area.

Django's storages write a file straight under its final name (``FileSystemStorage`` moves or copies the upload
there, chunk by chunk), so a process killed in the middle leaves a partial file under the name readers trust.
:func:`write` never does: it writes under a temporary name in the storage's own temporary area (:data:`TEMP_AREA`,
``tmp/`` at the storage's root, hence on the local file system the same file system as the final name), flushes it
to disk, re-reads it and compares its size and SHA-256 with what the caller says it must be, and only then renames it
onto the final name (``os.replace``, then the directory is flushed too). On S3 the temporary object is made by
boto3's managed upload (a multipart upload for large files: the object exists only once every part arrived),
verified, then copied server-side onto the final key (``CopyObject`` is atomic). Whatever happens in between, the
final name holds nothing, its previous content, or the whole verified file.

What a killed process leaves behind lies in the temporary area: :func:`sweep_temporary` removes it once it is older
than a threshold. Evidence uploads are also received into that area (:class:`SpoolToStorage`), so a killed upload
leaves its partial body there too, and a finished one is moved into place by a hard link instead of a copy.

Only ``FileSystemStorage`` (and subclasses) and django-storages' ``S3Storage`` are supported: the two back-ends
``settings.py`` offers.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler

TEMP_AREA = "tmp"
TEMP_SUFFIX = ".part"
TEMP_PREFIXES = ("upload-", "write-")
CHUNK = 64 * 1024

# Problems a stored file can have (the codes are stored in the flags; pages translate them).
MISSING = "missing"
WRONG_SIZE = "size"
WRONG_HASH = "sha256"


class WriteFailed(OSError):
    """What was written does not match the size or SHA-256 it must have; nothing was put under the final name."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"the written copy of {name} failed its check ({problem})")
        self.problem = problem


class Damaged(Exception):
    """A stored file read while streaming did not match its size or SHA-256 (its last chunk was withheld)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name} failed its integrity check ({problem})")
        self.name = name
        self.problem = problem


def _s3_class() -> type | None:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover (django-storages is a dependency)
        return None
    s3: type = S3Storage  # django-storages has no type hints
    return s3


def _kind(store: Storage) -> str:
    if isinstance(store, FileSystemStorage):
        return "local"
    s3 = _s3_class()
    if s3 is not None and isinstance(store, s3):
        return "s3"
    raise ImproperlyConfigured(
        f"{type(store).__name__} is not supported for stored files: use FileSystemStorage or S3Storage"
    )


def is_local(store: Storage | None = None) -> bool:
    return _kind(store or default_storage) == "local"


def _local(store: Storage) -> FileSystemStorage:
    if not isinstance(store, FileSystemStorage):
        raise ImproperlyConfigured(f"{type(store).__name__} is not a local file system storage")
    return store


def _s3(store: Storage) -> Any:
    """The store as django-storages' S3Storage (connection, bucket_name, location), which has no type hints."""
    return store


# --- Reading ---------------------------------------------------------------------------------------------------


def _s3_key(store: Any, name: str) -> str:
    from storages.utils import clean_name

    return str(store._normalize_name(clean_name(name)))


def read_chunks(name: str, store: Storage | None = None) -> Iterator[bytes]:
    """The stored file's bytes in chunks (on S3 streamed from the response body, never spooled to disk)."""
    store = store or default_storage
    if _kind(store) == "s3":
        client = _s3(store).connection.meta.client
        try:
            body = client.get_object(Bucket=_s3(store).bucket_name, Key=_s3_key(store, name))["Body"]
        except client.exceptions.NoSuchKey as error:
            raise FileNotFoundError(name) from error
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()
        return
    with store.open(name, "rb") as stored:
        while chunk := stored.read(CHUNK):
            yield chunk


def stored_size(name: str, store: Storage | None = None) -> int | None:
    """The stored file's size, or None when it is missing."""
    store = store or default_storage
    try:
        return int(store.size(name))
    except (FileNotFoundError, NotADirectoryError):  # S3Storage turns a 404 into FileNotFoundError too
        return None


def quick_check(name: str, size: int, store: Storage | None = None) -> str | None:
    """None when the file is there with the right size, else the problem (no content is read)."""
    actual = stored_size(name, store)
    if actual is None:
        return MISSING
    return None if actual == size else WRONG_SIZE


def check(name: str, sha256: str, size: int, store: Storage | None = None) -> str | None:
    """None when the stored file is whole (size, then SHA-256, streamed), else the problem."""
    problem = quick_check(name, size, store)
    if problem:
        return problem
    digest = hashlib.sha256()
    try:
        for chunk in read_chunks(name, store):
            digest.update(chunk)
    except FileNotFoundError:
        return MISSING
    return None if digest.hexdigest() == sha256 else WRONG_HASH


def stream_verified(name: str, sha256: str, size: int, store: Storage | None = None) -> Iterator[bytes]:
    """The stored file in chunks, hashed on the way; raises :class:`Damaged` instead of yielding the last chunk
    when the whole does not match, so a damaged file never arrives complete."""
    digest = hashlib.sha256()
    count = 0
    held: bytes | None = None
    try:
        for chunk in read_chunks(name, store):
            if held is not None:
                yield held
            digest.update(chunk)
            count += len(chunk)
            held = chunk
    except FileNotFoundError as error:
        raise Damaged(name, MISSING) from error
    if count != size:
        raise Damaged(name, WRONG_SIZE)
    if digest.hexdigest() != sha256:
        raise Damaged(name, WRONG_HASH)
    if held is not None:
        yield held


# --- Writing ---------------------------------------------------------------------------------------------------


def _source_chunks(source: Any) -> Iterator[bytes]:
    if hasattr(source, "chunks"):
        yield from source.chunks(CHUNK)
        return
    source.seek(0)
    while chunk := source.read(CHUNK):
        yield chunk


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ensure_dir(store: FileSystemStorage, directory: Path) -> None:
    """Create the missing directories one by one, flushing each parent so the new entries survive a crash."""
    missing = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        if store.directory_permissions_mode is not None:
            os.chmod(path, store.directory_permissions_mode)
        _fsync_dir(path.parent)


def local_temp_dir(store: FileSystemStorage | None = None) -> Path:
    store = store or _local(default_storage)
    directory = Path(store.path(TEMP_AREA))
    _ensure_dir(store, directory)
    return directory


def _temp_name(prefix: str = "write-") -> str:
    return f"{prefix}{secrets.token_hex(8)}{TEMP_SUFFIX}"


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _spooled_path(source: Any, temp_dir: Path) -> Path | None:
    """The path of an upload already received into this storage's temporary area, if it is one."""
    if not isinstance(source, SpooledUpload):
        return None
    path = Path(source.temporary_file_path())
    return path if path.parent.resolve() == temp_dir.resolve() else None


def _write_local(store: FileSystemStorage, source: Any, name: str, sha256: str, size: int) -> None:
    final = Path(store.path(name))
    temp_dir = local_temp_dir(store)
    temp = temp_dir / _temp_name()
    try:
        spooled = _spooled_path(source, temp_dir)
        linked = False
        if spooled is not None:
            source.file.flush()
            os.fsync(source.file.fileno())
            try:
                os.link(spooled, temp)  # the same inode: no copy; Django removes its own name afterwards
                linked = True
            except OSError:
                linked = False
        if not linked:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            with os.fdopen(fd, "wb") as out:
                for chunk in _source_chunks(source):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        written_sha, written_size = _hash_file(temp)
        if written_size != size:
            raise WriteFailed(name, WRONG_SIZE)
        if written_sha != sha256:
            raise WriteFailed(name, WRONG_HASH)
        if store.file_permissions_mode is not None:
            os.chmod(temp, store.file_permissions_mode)
        _ensure_dir(store, final.parent)
        os.replace(temp, final)
        _fsync_dir(final.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _write_s3(store: Any, source: Any, name: str, sha256: str, size: int) -> None:
    temp = f"{TEMP_AREA}/{_temp_name()}"
    if hasattr(source, "seek"):
        source.seek(0)
    # The managed upload behind S3Storage.save uses a multipart upload above 8 MB: no object until it completes.
    saved = store.save(temp, source if isinstance(source, File) else File(source, name=temp))
    try:
        problem = check(saved, sha256, size, store)
        if problem:
            raise WriteFailed(name, problem)
        key = _s3_key(store, name)
        params = store._get_write_parameters(key)
        store.connection.meta.client.copy_object(
            Bucket=store.bucket_name,
            Key=key,
            CopySource={"Bucket": store.bucket_name, "Key": _s3_key(store, saved)},
            MetadataDirective="REPLACE",
            **params,
        )
        if stored_size(name, store) != size:
            raise WriteFailed(name, WRONG_SIZE)
    finally:
        store.delete(saved)


def write(source: Any, name: str, sha256: str, size: int, store: Storage | None = None) -> None:
    """Store ``source`` under ``name`` so that the name only ever holds the whole file of this size and SHA-256.

    An existing file under ``name`` is replaced atomically (used to repair a damaged one). Raises
    :class:`WriteFailed` when the copy written does not match; nothing then changes under ``name``.
    """
    store = store or default_storage
    if _kind(store) == "s3":
        _write_s3(store, source, name, sha256, size)
    else:
        _write_local(_local(store), source, name, sha256, size)


# --- Receiving uploads into the temporary area -----------------------------------------------------------------


class SpooledUpload(TemporaryUploadedFile):
    """An uploaded file received into the storage's temporary area instead of ``FILE_UPLOAD_TEMP_DIR``."""

    def __init__(
        self, name: str | None, content_type: str | None, size: int, charset: str | None, content_type_extra: Any = None
    ) -> None:
        file = tempfile.NamedTemporaryFile(prefix=TEMP_PREFIXES[0], suffix=TEMP_SUFFIX, dir=local_temp_dir())  # noqa: SIM115
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class SpoolToStorage(TemporaryFileUploadHandler):
    """Receives large files into the storage's temporary area (same file system as the files' final names)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = SpooledUpload(self.file_name, self.content_type, 0, self.charset, self.content_type_extra)


def spool_to_storage(handlers: Sequence[FileUploadHandler]) -> list[FileUploadHandler]:
    """The request's upload handlers with Django's temporary-file handler replaced by :class:`SpoolToStorage`
    when the default storage is on the local file system (on S3 nothing changes)."""
    if not is_local():
        return list(handlers)
    return [
        SpoolToStorage(handler.request) if type(handler) is TemporaryFileUploadHandler else handler
        for handler in handlers
    ]


# --- Cleaning up -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Swept:
    files: int
    bytes: int
    multipart: int = 0


def sweep_temporary(older_than: float, store: Storage | None = None) -> Swept:
    """Remove what killed processes left in the temporary area, untouched for ``older_than`` seconds.

    Only names this module makes (``upload-…``/``write-….part``) directly in the area are removed; on S3 also the
    incomplete multipart uploads under it.
    """
    store = store or default_storage
    cutoff = time.time() - older_than
    files = size = multipart = 0
    if _kind(store) == "local":
        directory = Path(store.path(TEMP_AREA))
        if not directory.is_dir():
            return Swept(0, 0)
        for entry in os.scandir(directory):
            if not (entry.name.startswith(TEMP_PREFIXES) and entry.name.endswith(TEMP_SUFFIX)):
                continue
            try:
                stat = entry.stat(follow_symlinks=False)
                if not entry.is_file(follow_symlinks=False) or stat.st_mtime > cutoff:
                    continue
                os.unlink(entry.path)
            except FileNotFoundError:
                continue
            files += 1
            size += stat.st_size
        return Swept(files, size)
    client = _s3(store).connection.meta.client
    bucket = _s3(store).bucket_name
    prefix = _s3_key(store, TEMP_AREA) + "/"
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", ()):
            leaf = item["Key"][len(prefix) :]
            if "/" in leaf or not leaf.endswith(TEMP_SUFFIX) or item["LastModified"].timestamp() > cutoff:
                continue
            client.delete_object(Bucket=bucket, Key=item["Key"])
            files += 1
            size += int(item["Size"])
    for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix):
        for upload in page.get("Uploads", ()):
            if upload["Initiated"].timestamp() <= cutoff:
                client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
                multipart += 1
    return Swept(files, size, multipart)


def list_names(prefix: str, store: Storage | None = None) -> Iterator[str]:
    """Every stored name under ``prefix`` (a folder such as ``evidence``), the temporary area excluded."""
    store = store or default_storage
    if _kind(store) == "local":
        root = Path(store.path(""))
        base = Path(store.path(prefix))
        if not base.is_dir():
            return
        for directory, dirs, names in os.walk(base):
            dirs[:] = sorted(d for d in dirs if Path(directory, d) != root / TEMP_AREA)
            for leaf in sorted(names):
                yield Path(directory, leaf).relative_to(root).as_posix()
        return
    client = _s3(store).connection.meta.client
    location = str(_s3(store).location).strip("/")
    key_prefix = f"{location}/{prefix}/" if location else f"{prefix}/"
    strip = len(location) + 1 if location else 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=_s3(store).bucket_name, Prefix=key_prefix):
        for item in page.get("Contents", ()):
            yield item["Key"][strip:]
