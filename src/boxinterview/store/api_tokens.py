"""SQL for integration API tokens (stored as hashes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import row, rows


def insert(con: apsw.Connection, token_hash: str, name: str, now: datetime) -> int:
    con.execute(
        "INSERT INTO api_tokens (token_hash, name, created_at) VALUES (?, ?, ?)",
        (token_hash, name, to_db(now)),
    )
    return con.last_insert_rowid()


def live(con: apsw.Connection, token_hash: str) -> dict[str, Any] | None:
    return row(con, "SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", (token_hash,))


def used(con: apsw.Connection, token_id: int, now: datetime) -> None:
    con.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (to_db(now), token_id))


def revoke(con: apsw.Connection, name: str, now: datetime) -> int:
    con.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", (to_db(now), name)
    )
    return con.changes()


def listing(con: apsw.Connection) -> list[dict[str, Any]]:
    return rows(con, "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id")
