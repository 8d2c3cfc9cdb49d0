"""SQL for remote runners and their one-time registration tokens (both kept as SHA-256 hashes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import row, rows


def add_registration_token(con: apsw.Connection, token_hash: str, note: str, now: datetime) -> int:
    con.execute(
        "INSERT INTO runner_registration_tokens (token_hash, note, created_at) VALUES (?, ?, ?)",
        (token_hash, note, to_db(now)),
    )
    return con.last_insert_rowid()


def use_registration_token(con: apsw.Connection, token_hash: str, runner_id: int, now: datetime) -> bool:
    """Spend a registration token on `runner_id`: only once, and never a revoked one."""
    con.execute(
        "UPDATE runner_registration_tokens SET used_at = ?, runner_id = ? "
        "WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL",
        (to_db(now), runner_id, token_hash),
    )
    return con.changes() == 1


def revoke_registration_token(con: apsw.Connection, token_id: int, now: datetime) -> bool:
    con.execute(
        "UPDATE runner_registration_tokens SET revoked_at = ? "
        "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
        (to_db(now), token_id),
    )
    return con.changes() == 1


def registration_tokens(con: apsw.Connection) -> list[dict[str, Any]]:
    return rows(
        con,
        "SELECT id, note, created_at, used_at, runner_id, revoked_at FROM runner_registration_tokens ORDER BY id",
    )


def add(con: apsw.Connection, name: str, token_hash: str, address: str, now: datetime) -> int:
    con.execute(
        "INSERT INTO runners (name, token_hash, address, registered_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
        (name, token_hash, address, to_db(now), to_db(now)),
    )
    return con.last_insert_rowid()


def live(con: apsw.Connection, token_hash: str) -> dict[str, Any] | None:
    return row(con, "SELECT * FROM runners WHERE token_hash = ? AND removed_at IS NULL", (token_hash,))


def seen(con: apsw.Connection, runner_id: int, address: str, now: datetime) -> None:
    con.execute(
        "UPDATE runners SET last_seen_at = ?, address = ? WHERE id = ?", (to_db(now), address, runner_id)
    )


def remove(con: apsw.Connection, runner_id: int, now: datetime) -> bool:
    con.execute(
        "UPDATE runners SET removed_at = ? WHERE id = ? AND removed_at IS NULL", (to_db(now), runner_id)
    )
    return con.changes() == 1


def listing(con: apsw.Connection, with_removed: bool = False) -> list[dict[str, Any]]:
    return rows(
        con,
        "SELECT id, name, address, registered_at, last_seen_at, removed_at FROM runners "
        "WHERE ? OR removed_at IS NULL ORDER BY id",
        (with_removed,),
    )
