"""What every command needs: who is acting (for the audit log) and the open database."""

from __future__ import annotations

import getpass

from boxinterview.config import Settings
from boxinterview.store import Database


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def open_db(settings: Settings) -> Database:
    return Database.open(settings.database_path, settings.store.busy_timeout_ms, settings.store.readers)
