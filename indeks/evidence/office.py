"""Office files (DOCX, XLSX, PPTX, ODT, ODS) are ZIP archives of XML parts: refuse any part that declares a DTD.

A DTD is the way in for an XML bomb ("billion laughs": nested entities that expand to gigabytes) and for external
entities (the parser reading a local file or a URL). Office applications never write one: the packaging rules of
OOXML forbid DTD declarations and tell readers to treat one as an error (ECMA-376 Part 2, [M1.18]), and ODF parts
have none. So an office file with a DTD in any part is refused at upload with a message naming the file and the
part, and the text extraction refuses it again (files stored before this check are kept, but never parsed).

Each part is read only up to its first element, where a DTD would have to be: defusedxml's parser raises at the
DOCTYPE itself, before any entity is declared or expanded. A part that is not XML at all (an image, an embedded
file) ends the check of that part at once. openpyxl, which reads XLSX evidence, level and cost files, uses
defusedxml by itself when it is installed (``openpyxl.DEFUSEDXML``), so its reads refuse DTDs too.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from indeks.errors import ActionRefused

OFFICE_KINDS = frozenset({"docx", "xlsx", "pptx", "odt", "ods"})
PROLOG_BYTES = 64 * 1024  # office applications put the root element within the first few hundred bytes
FEED_BYTES = 1024  # small feeds: the parser stops soon after the root element instead of parsing a whole buffer


class _PrologTooLong(Exception):
    pass


class _Bounded(io.RawIOBase):
    """A part's stream in small reads that stops the parser past PROLOG_BYTES without an element."""

    def __init__(self, part: IO[bytes]) -> None:
        self._part = part
        self._read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._read >= PROLOG_BYTES:
            raise _PrologTooLong
        data = self._part.read(min(size if size > 0 else FEED_BYTES, FEED_BYTES, PROLOG_BYTES - self._read + 1))
        self._read += len(data)
        return data


def _has_dtd(part: IO[bytes]) -> bool:
    """Whether the XML part declares a DTD before its first element (False for a part that is not XML)."""
    try:
        for _event in iterparse(_Bounded(part), events=("start",), forbid_dtd=True):
            return False
    except DefusedXmlException:
        return True
    except SyntaxError:  # xml.etree.ElementTree.ParseError: not XML (an image, an embedded file) or empty
        return False
    return False


def check(stream: IO[bytes], name: str) -> None:
    """Refuse an office file any part of which declares a DTD or entities (ActionRefused naming file and part)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            for info in archive.infolist():
                if info.is_dir() or info.file_size == 0:
                    continue
                try:
                    with archive.open(info) as part:
                        found = _has_dtd(part)
                except _PrologTooLong:
                    message = _("The file %(name)s has a part (%(part)s) that does not read as an office document.")
                    raise ActionRefused(message % {"name": name, "part": info.filename}) from None
                if found:
                    message = _(
                        "The file %(name)s contains an XML DTD or entity declaration (in %(part)s), which office "
                        "documents never contain (it can hide an 'XML bomb'); it was refused. Save the file again "
                        "from the office application."
                    )
                    raise ActionRefused(message % {"name": name, "part": info.filename})
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise ActionRefused(_("The file %(name)s is a damaged ZIP/Office file.") % {"name": name}) from error
    finally:
        stream.seek(0)
