"""SQL for integration API tokens (stored as hashes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import row, rows


def insert(con: apsw.Connection, token_hash: str, name: str, scopes: str, now: datetime) -> int:
    con.execute(
        "INSERT INTO api_tokens (token_hash, name, scopes, created_at) VALUES (?, ?, ?, ?)",
        (token_hash, name, scopes, to_db(now)),
    )
    return con.last_insert_rowid()


def live(con: apsw.Connection, token_hash: str) -> dict[str, Any] | None:
    return row(con, "SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", (token_hash,))


def live_by_id(con: apsw.Connection, token_id: int) -> dict[str, Any] | None:
    return row(con, "SELECT * FROM api_tokens WHERE id = ? AND revoked_at IS NULL", (token_id,))


def used(con: apsw.Connection, token_id: int, now: datetime) -> None:
    con.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (to_db(now), token_id))


def revoke(con: apsw.Connection, name: str, now: datetime) -> int:
    con.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", (to_db(now), name)
    )
    return con.changes()


def listing(con: apsw.Connection) -> list[dict[str, Any]]:
    return rows(
        con, "SELECT id, name, scopes, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id"
    )


# -- requests sent with an Idempotency-Key --------------------------------------------------------------------


def remembered(con: apsw.Connection, token_id: int, key: str) -> dict[str, Any] | None:
    return row(
        con,
        "SELECT fingerprint, status, response FROM api_requests WHERE token_id = ? AND idempotency_key = ?",
        (token_id, key),
    )


def remember(
    con: apsw.Connection, token_id: int, key: str, fingerprint: str, status: int, response: str, now: datetime
) -> None:
    con.execute(
        "INSERT INTO api_requests (token_id, idempotency_key, fingerprint, status, response, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (token_id, key, fingerprint, status, response, to_db(now)),
    )


def forget_requests_before(con: apsw.Connection, before: datetime) -> int:
    con.execute("DELETE FROM api_requests WHERE created_at < ?", (to_db(before),))
    return con.changes()
