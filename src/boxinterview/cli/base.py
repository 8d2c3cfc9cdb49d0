"""What every command needs: who is acting (for the audit log) and the open database; and how commands are
added to the parser."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from typing import Protocol, TypeAlias

from boxinterview.config.settings import Settings
from boxinterview.store import Database

Command = Callable[[argparse.Namespace, Settings], int]
SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class AddCommand(Protocol):
    """Adds a command (to the top level, or under `parent`) that runs `func`."""

    def __call__(
        self, name: str, func: Command, help_text: str, parent: SubParsers = ...
    ) -> argparse.ArgumentParser: ...


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
        return numbers.whole(text, "it")
    except BoxError as why:
        raise argparse.ArgumentTypeError(f"{text[:40]!r}: {why}, written with the digits 0 to 9") from None
