"""What every command needs: who is acting (for the audit log) and the open database; and how commands are
added to the parser."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import Protocol, TypeAlias

from boxinterview.config.settings import Settings
from boxinterview.errors import BoxError
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


def run(command: Command, args: argparse.Namespace, settings: Settings) -> int:
    """The command's exit code; what goes wrong is said in a sentence, not a traceback."""
    try:
        return command(args, settings)
    except BoxError as exc:
        print(f"boxinterview: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): what the command did is done; say so where it can still be read.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(
            "boxinterview: the output stopped being read (broken pipe); what the command did is done",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        if exc.filename is None:
            raise
        # A file or folder named on the command line: missing, a folder where a file is wanted, not allowed
        print(
            f"boxinterview: error: {exc.filename}: {(exc.strerror or str(exc)).lower()}; check the path "
            "(the folder must exist; name a file, not a folder) and its permissions",
            file=sys.stderr,
        )
        return 2
