"""Sniffing content types, extension checks and name cleaning (no database)."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator

import pytest

from indeks.errors import ActionRefused
from indeks.evidence import samples, storage


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages are checked in English (the default language of the platform is Indonesian)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def sniff(content: bytes, name: str = "file") -> str:
    return storage.sniff(io.BytesIO(content), name)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (samples.text_pdf(["x"]), "pdf"),
        (samples.docx(["x"]), "docx"),
        (samples.xlsx({"S": [["x"]]}), "xlsx"),
        (samples.pptx(["x"]), "pptx"),
        (samples.odt("x"), "odt"),
        (samples.odt("x", spreadsheet=True), "ods"),
        (samples.PNG, "png"),
        (samples.JPEG, "jpeg"),
        (samples.MP4, "mp4"),
    ],
)
def test_each_accepted_type_is_recognised_by_content(content: bytes, kind: str) -> None:
    assert sniff(content) == kind


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_plain_zip_archive_is_refused() -> None:
    with pytest.raises(ActionRefused, match="Archives are not accepted"):
        sniff(_zip({"a.pdf": b"%PDF-1.4"}), "bundle.zip")


def test_a_zip_bomb_disguised_as_docx_is_refused_without_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    with pytest.raises(ActionRefused, match="ZIP bomb"):
        sniff(bomb, "laporan.docx")


def test_too_many_members_are_refused() -> None:
    many = _zip({"[Content_Types].xml": b"", "word/document.xml": b"", **{f"x/{k}": b"" for k in range(5001)}})
    with pytest.raises(ActionRefused, match="too many parts"):
        sniff(many, "x.docx")


@pytest.mark.parametrize(
    ("content", "label"),
    [(b"7z\xbc\xaf\x27\x1c" + b"\0" * 30, "7z"), (b"\x1f\x8b\x08" + b"\0" * 30, "gzip"), (b"Rar!\x1a\x07\x00", "RAR")],
)
def test_other_archives_are_refused(content: bytes, label: str) -> None:
    with pytest.raises(ActionRefused, match=label):
        sniff(content, "x.pdf")


def test_tar_is_refused() -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        info = tarfile.TarInfo("a.txt")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(ActionRefused, match="tar archive"):
        sniff(out.getvalue(), "x.pdf")


def test_old_office_and_unknown_content_are_refused() -> None:
    with pytest.raises(ActionRefused, match="old Office format"):
        sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.doc")
    with pytest.raises(ActionRefused, match="not accepted"):
        sniff(b"MZ\x90\x00 this is an executable", "setup.pdf")
    with pytest.raises(ActionRefused, match="damaged"):
        sniff(b"PK\x03\x04" + b"\0" * 50, "broken.docx")


def test_extension_must_match_content() -> None:
    storage.check_extension("perwal.pdf", "pdf")
    storage.check_extension("FOTO.JPEG", "jpeg")
    with pytest.raises(ActionRefused, match="named as PDF but its content is Word"):
        storage.check_extension("perwal.pdf", "docx")
    with pytest.raises(ActionRefused, match=r"should end in \.pdf"):
        storage.check_extension("perwal", "pdf")
    with pytest.raises(ActionRefused, match=r"should end in \.png"):
        storage.check_extension("gambar.exe", "png")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/var/media/evidence/x.pdf", "x.pdf"),
        ("laporan\x00.pdf", "laporan.pdf"),
        ("...", "file"),
        ("", "file"),
        ('a<b>c:"d|e?.pdf', "abcde.pdf"),
    ],
)
def test_names_are_cleaned(raw: str, clean: str) -> None:
    assert storage.clean_name(raw) == clean


def test_long_names_keep_their_extension() -> None:
    name = storage.clean_name("x" * 400 + ".pdf")
    assert len(name) <= 200
    assert name.endswith(".pdf")
