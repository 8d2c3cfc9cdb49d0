"""The outbox as operators read it: what is queued, sent or refused, and each message in full (a queued
invitation still carries its personal link, so it can be sent by hand when there is no SMTP server)."""

from __future__ import annotations

from typing import Any

import apsw

from boxinterview.errors import NotFound
from boxinterview.store import Database
from boxinterview.store import outbox as sql


def overview(db: Database, limit: int = 200) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """(how many in each state, the newest messages)."""

    def read(con: apsw.Connection) -> tuple[dict[str, int], list[dict[str, Any]]]:
        return sql.counts(con), sql.recent(con, limit)

    return db.read(read)


def message(db: Database, message_id: int) -> dict[str, Any]:
    found = db.read(sql.get, message_id)
    if found is None:
        raise NotFound(f"no message {message_id} in the outbox")
    return found
