"""What every command needs: who is acting (for the audit log) and the open database."""

from __future__ import annotations

import argparse
import getpass

from boxinterview.config.settings import Settings
from boxinterview.store import Database


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def open_db(settings: Settings) -> Database:
    return Database.open(settings.database_path, settings.store.busy_timeout_ms, settings.store.readers)


def whole_argument(text: str) -> int:
    """An id or a count from the command line: ASCII digits that SQLite can store (argparse says what is wrong)."""
    from boxinterview.domain import numbers
    from boxinterview.errors import BoxError

    try:
        return numbers.whole(text, "the number")
    except BoxError as why:
        raise argparse.ArgumentTypeError(f"{text[:40]!r}: {why}") from None
