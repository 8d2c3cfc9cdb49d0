"""SQL for reviewer sessions and sign-in attempts (kept as failures until they succeed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.store._sql import row, value


def insert(
    con: apsw.Connection, id_hash: str, account_id: int, csrf: str, address: str, now: datetime
) -> None:
    con.execute(
        "INSERT INTO sessions (id_hash, account_id, csrf, created_at, last_seen_at, address) VALUES (?, ?, ?, ?, ?, ?)",
        (id_hash, account_id, csrf, to_db(now), to_db(now), address),
    )


def get(con: apsw.Connection, id_hash: str) -> dict[str, Any] | None:
    r = row(con, "SELECT * FROM sessions WHERE id_hash = ?", (id_hash,))
    if r:
        r["created_at"] = from_db(r["created_at"])
        r["last_seen_at"] = from_db(r["last_seen_at"])
    return r


def touch(con: apsw.Connection, id_hash: str, now: datetime) -> None:
    con.execute("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", (to_db(now), id_hash))


def delete(con: apsw.Connection, id_hash: str) -> None:
    con.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))


def delete_for_account(con: apsw.Connection, account_id: int) -> None:
    con.execute("DELETE FROM sessions WHERE account_id = ?", (account_id,))


def record_attempt(con: apsw.Connection, email: str, address: str, now: datetime) -> None:
    """A sign-in attempt, counted as failed until it succeeds (then `clear_attempts` removes it)."""
    con.execute(
        "INSERT INTO login_failures (email, address, at) VALUES (?, ?, ?)", (email, address, to_db(now))
    )


def attempts_since(con: apsw.Connection, email: str, address: str, since: datetime) -> tuple[int, int, int]:
    """Failed or unfinished attempts since a moment: for this e-mail from this address, for this e-mail from
    anywhere, and from this address for any e-mail."""
    at = to_db(since)
    pair = value(
        con,
        "SELECT count(*) FROM login_failures WHERE email = ? AND address = ? AND at >= ?",
        (email, address, at),
    )
    by_email = value(con, "SELECT count(*) FROM login_failures WHERE email = ? AND at >= ?", (email, at))
    by_address = value(
        con, "SELECT count(*) FROM login_failures WHERE address = ? AND at >= ?", (address, at)
    )
    return pair, by_email, by_address


def clear_attempts(con: apsw.Connection, email: str) -> None:
    con.execute("DELETE FROM login_failures WHERE email = ?", (email,))
