"""What lower layers may ask of a round's publication, without importing the results app.

Publication (snapshots, revisions) lives in ``results``, above ``assessment`` and ``external``; yet the
self-assessment starts from last year's published levels and the external pages show the review once a round is
published. ``results`` registers its reader here when Django starts (``ResultsConfig.ready``), so dependencies
point one way: assessment and external ask this module, results answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PublishedLevels = Callable[[Any], "dict[int, int] | None"]
IsPublished = Callable[[int], bool]

_readers: dict[str, Any] = {}


def register(*, levels: PublishedLevels, is_published: IsPublished) -> None:
    _readers["levels"] = levels
    _readers["is_published"] = is_published


def published_levels(participation: Any) -> dict[int, int] | None:
    """The agency's final levels in the newest published revision of the participation's round, or None."""
    reader: PublishedLevels | None = _readers.get("levels")
    return reader(participation) if reader else None


def is_published(round_id: int) -> bool:
    """Whether a revision of the round's results is published."""
    reader: IsPublished | None = _readers.get("is_published")
    return reader(round_id) if reader else False
