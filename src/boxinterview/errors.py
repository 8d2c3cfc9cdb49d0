"""Errors the core raises. Each message says what is wrong and what to do; faces map them to their own form
(an exit status and one line in the CLI, an HTTP status and a JSON body on the web)."""

from __future__ import annotations


class BoxError(Exception):
    """Base of every error the core raises on purpose."""


class DatabaseError(BoxError):
    """The database is missing, unreadable, or at a schema version this code cannot use."""


class Unreadable(BoxError):
    """What was sent cannot be read at all (a malformed body, bytes that are not UTF-8): the sender's mistake."""


class NotFound(BoxError):
    """The thing asked for does not exist (or is not visible to the one asking)."""


class Invalid(BoxError):
    """Input breaks a rule. `problems` lists (field path, message) for each broken rule."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)


class Conflict(BoxError):
    """The request is valid but the current state forbids it (e.g. editing a started interview)."""


class Forbidden(BoxError):
    """The one asking may not do this."""


class Gone(BoxError):
    """It existed but is no longer available (an expired upload, a passed deadline)."""


class TooLarge(BoxError):
    """More bytes than allowed."""
