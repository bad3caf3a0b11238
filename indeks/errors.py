"""Errors the platform's services raise for a person to read (never a traceback)."""

from __future__ import annotations

from typing import Any


class ActionRefused(Exception):
    """The action is not possible now (closed window, illegal transition, incomplete submission...).

    ``message`` is translated and written for the person who tried; views show it and change nothing.
    """

    def __init__(self, message: Any, *, problems: list[Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.problems = problems or []


class EditConflict(ActionRefused):
    """Someone saved the same object since the form was opened; ``changes`` maps field → (theirs, yours)."""

    def __init__(self, message: Any, changes: dict[str, tuple[Any, Any]], current: Any) -> None:
        super().__init__(message)
        self.changes = changes
        self.current = current
