"""One rule for the text that comes in from outside, whatever the door: a page's form, a query string, the API.

A field may not hold NUL or another control character except tab, line feed and carriage return (a textarea sends
CR LF), an unpaired surrogate (only JSON can carry one: ``"\\ud800"``) or the noncharacters U+FFFE and U+FFFF.
None of them means anything in the platform's texts, and each breaks something further on: PostgreSQL refuses NUL,
UTF-8 cannot encode a surrogate, XML (the XLSX and PDF exports) refuses all of them. The refusal names the field
and the character, so the person can find it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LONGEST_NAME = 80  # a field name shown in a message is cut to this length


def first_forbidden(value: str) -> tuple[int, str] | None:
    """The position and the character of the first forbidden character of ``value``, or None."""
    found = FORBIDDEN.search(value)
    return (found.start(), found.group()) if found else None


def shown(name: str) -> str:
    """A field name as a message may show it (itself outside input: forbidden characters become U+FFFD)."""
    name = FORBIDDEN.sub("\ufffd", name)
    return name if len(name) <= LONGEST_NAME else name[: LONGEST_NAME - 1] + "…"


def _kind(char: str) -> str:
    if char == "\x00":
        return _("a NUL byte")
    if "\ud800" <= char <= "\udfff":
        return _("an unpaired surrogate")
    if char in "\ufffe\uffff":
        return _("a noncharacter")
    return _("a control character")


def text_problem(field: str, value: str) -> str | None:
    """The message for a forbidden character in ``value`` of ``field``, or None when the text may be stored."""
    found = first_forbidden(value)
    if found is None:
        return None
    position, char = found
    return _(
        "The field “%(field)s” contains a character that cannot be stored: %(kind)s (U+%(code)04X) at character "
        "%(position)s. Remove it and send again."
    ) % {"field": shown(field), "kind": _kind(char), "code": ord(char), "position": position + 1}


class UnsafeText(BadRequest):
    """A field (or a field's name) of a request holds a forbidden character; ``field`` and ``message`` say which.

    ``source`` is where the field came from (``query``, ``form`` or ``body``), as in the API's error locations.
    Django answers it as a 400 (a ``BadRequest``); the API answers a 422 problem naming the field.
    """

    def __init__(self, source: str, field: str, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.field = shown(field)
        self.message = message


def name_problem(name: str) -> str | None:
    """The message for a forbidden character in a field's name (a tampered form), or None."""
    found = first_forbidden(name)
    if found is None:
        return None
    return _(
        "A field name contains a character that cannot be stored: %(kind)s (U+%(code)04X). Send the form again "
        "from the page."
    ) % {"kind": _kind(found[1]), "code": ord(found[1])}


def check_items(source: str, items: Iterable[tuple[str, list[str]]]) -> None:
    """Refuse the first forbidden character among the names and values of a query string or a form post."""
    for name, values in items:
        problem = name_problem(name)
        if problem:
            raise UnsafeText(source, name, problem)
        for value in values:
            problem = text_problem(name, value) if isinstance(value, str) else None
            if problem:
                raise UnsafeText(source, name, problem)


def nested_problem(field: str, value: object) -> str | None:
    """The message for the first forbidden character anywhere in a JSON value (keys included), or None."""
    if isinstance(value, str):
        return text_problem(field, value)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = name_problem(key) if isinstance(key, str) else None
            problem = problem or nested_problem(f"{field}.{key}", item)
            if problem:
                return problem
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problem = nested_problem(f"{field}[{index}]", item)
            if problem:
                return problem
    return None
