"""SQL for the outbox: messages written in the same transaction as the change that causes them, then
delivered by the sender loop."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.store._sql import row, rows, value


def queue(
    con: apsw.Connection,
    *,
    kind: str,
    invitation_id: int | None,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    reply_to: str,
    now: datetime,
    recipient_name: str = "",
    language: str = "",
) -> int:
    con.execute(
        "INSERT INTO outbox (kind, invitation_id, recipient, recipient_name, language, subject, body, html, "
        "message_id, reply_to, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            invitation_id,
            recipient,
            recipient_name,
            language,
            subject,
            text,
            html,
            message_id,
            reply_to,
            to_db(now),
            to_db(now),
        ),
    )
    return con.last_insert_rowid()


def claim(con: apsw.Connection, now: datetime, lease_until: datetime, limit: int) -> list[dict[str, Any]]:
    """Due messages, leased to this sender until `lease_until`: queued ones whose next attempt has come and that
    no sender holds (a lease that ran out means the sender died mid-way)."""
    due = rows(
        con,
        "SELECT * FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?1 "
        "AND (lease_until IS NULL OR lease_until <= ?1) ORDER BY id LIMIT ?2",
        (to_db(now), limit),
    )
    for m in due:
        con.execute(
            "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id = ?",
            (to_db(lease_until), m["id"]),
        )
    return due


def sent(con: apsw.Connection, message_id: int, now: datetime, redacted: str | None) -> None:
    con.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, lease_until = NULL, last_error = '', "
        "body = coalesce(?, body), html = CASE WHEN ? IS NULL THEN html ELSE '' END WHERE id = ?",
        (to_db(now), redacted, redacted, message_id),
    )


def retry(con: apsw.Connection, message_id: int, error: str, at: datetime) -> None:
    con.execute(
        "UPDATE outbox SET state = 'queued', next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ?",
        (to_db(at), error, message_id),
    )


def failed(con: apsw.Connection, message_id: int, error: str) -> None:
    con.execute(
        "UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = ? WHERE id = ?",
        (error, message_id),
    )


def last_for(con: apsw.Connection, invitation_id: int, kinds: tuple[str, ...]) -> tuple[datetime, str] | None:
    """When the latest message of `kinds` to an invitation was queued, and its state (queued, sent, ...)."""
    marks = ",".join("?" * len(kinds))
    found = row(
        con,
        f"SELECT created_at, state FROM outbox WHERE invitation_id = ? AND kind IN ({marks}) "
        "ORDER BY created_at DESC, id DESC LIMIT 1",
        (invitation_id, *kinds),
    )
    if found is None:
        return None
    return from_db(found["created_at"]), found["state"]


def kinds_for(con: apsw.Connection, invitation_id: int) -> set[str]:
    return {k for (k,) in con.execute("SELECT kind FROM outbox WHERE invitation_id = ?", (invitation_id,))}


def get(con: apsw.Connection, message_id: int) -> dict[str, Any] | None:
    return row(con, "SELECT * FROM outbox WHERE id = ?", (message_id,))


def for_invitation(con: apsw.Connection, invitation_id: int) -> list[dict[str, Any]]:
    return rows(con, "SELECT * FROM outbox WHERE invitation_id = ? ORDER BY id", (invitation_id,))


def recent(con: apsw.Connection, limit: int = 100) -> list[dict[str, Any]]:
    return rows(con, "SELECT * FROM outbox ORDER BY id DESC LIMIT ?", (limit,))


def counts(con: apsw.Connection) -> dict[str, int]:
    found = {s: 0 for s in ("queued", "sent", "failed", "cancelled")}
    for state, n in con.execute("SELECT state, count(*) FROM outbox GROUP BY state"):
        found[state] = n
    return found


def outcome_told(con: apsw.Connection, invitation_id: int) -> bool:
    """Whether an outcome message went to this candidate, or is being sent right now (a sender holds it)."""
    return bool(
        value(
            con,
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE invitation_id = ? AND kind LIKE 'outcome.%' "
            "AND (state = 'sent' OR (state = 'queued' AND lease_until IS NOT NULL)))",
            (invitation_id,),
        )
    )


def cancel_unsent(con: apsw.Connection, invitation_id: int, kind_prefix: str, why: str) -> int:
    """Cancel this candidate's queued messages of a kind that no sender has taken yet."""
    con.execute(
        "UPDATE outbox SET state = 'cancelled', last_error = ? WHERE invitation_id = ? AND kind LIKE ? "
        "AND state = 'queued' AND lease_until IS NULL",
        (why, invitation_id, kind_prefix.replace("%", "") + "%"),
    )
    return con.changes()
