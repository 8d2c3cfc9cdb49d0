"""SQL for webhooks: endpoints and their signing secrets, events written in the same transaction as the change
that causes them, and one delivery per event and endpoint, claimed and settled by the worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import row, rows, value

ALL = "*"


def add_endpoint(
    con: apsw.Connection, url: str, description: str, event_types: str, secret: str, now: datetime
) -> int:
    con.execute(
        "INSERT INTO webhook_endpoints (url, description, event_types, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (url, description, event_types, to_db(now), to_db(now)),
    )
    endpoint_id = con.last_insert_rowid()
    add_secret(con, endpoint_id, secret, now)
    return endpoint_id


def endpoint(con: apsw.Connection, endpoint_id: int) -> dict[str, Any] | None:
    return row(con, "SELECT * FROM webhook_endpoints WHERE id = ?", (endpoint_id,))


def endpoints(con: apsw.Connection) -> list[dict[str, Any]]:
    """Every endpoint with what its deliveries came to."""
    return rows(
        con,
        "SELECT e.*, "
        "(SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'queued') AS queued, "
        "(SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'failed') AS failed, "
        "(SELECT max(last_attempt_at) FROM webhook_deliveries d WHERE d.endpoint_id = e.id) AS last_attempt_at "
        "FROM webhook_endpoints e ORDER BY e.id",
    )


def set_enabled(con: apsw.Connection, endpoint_id: int, enabled: bool, reason: str, now: datetime) -> None:
    con.execute(
        "UPDATE webhook_endpoints SET enabled = ?, disabled_reason = ?, updated_at = ? WHERE id = ?",
        (int(enabled), "" if enabled else reason, to_db(now), endpoint_id),
    )


def remove_endpoint(con: apsw.Connection, endpoint_id: int) -> None:
    con.execute("DELETE FROM webhook_endpoints WHERE id = ?", (endpoint_id,))


def add_secret(con: apsw.Connection, endpoint_id: int, secret: str, now: datetime) -> None:
    con.execute(
        "INSERT INTO webhook_secrets (endpoint_id, secret, created_at) VALUES (?, ?, ?)",
        (endpoint_id, secret, to_db(now)),
    )


def retire_secrets(con: apsw.Connection, endpoint_id: int, until: datetime, now: datetime) -> None:
    """The secrets in use so far still sign until `until` (or stop earlier, as they were due to), then stop;
    those already past it are forgotten."""
    con.execute(
        "UPDATE webhook_secrets SET expires_at = min(coalesce(expires_at, ?1), ?1) WHERE endpoint_id = ?2",
        (to_db(until), endpoint_id),
    )
    con.execute(
        "DELETE FROM webhook_secrets WHERE endpoint_id = ? AND expires_at <= ?", (endpoint_id, to_db(now))
    )


def secrets(con: apsw.Connection, endpoint_id: int, now: datetime) -> list[str]:
    """The secrets that sign a webhook to this endpoint now: the current one first, then any still in their
    grace period after a rotation."""
    return [
        s
        for (s,) in con.execute(
            "SELECT secret FROM webhook_secrets WHERE endpoint_id = ? AND (expires_at IS NULL OR expires_at > ?) "
            "ORDER BY expires_at IS NOT NULL, id DESC",
            (endpoint_id, to_db(now)),
        )
    ]


def subscribers(con: apsw.Connection, event_type: str) -> list[int]:
    """Enabled endpoints that want this type of event (their types are a space-separated list, or `*`)."""
    return [
        i
        for (i,) in con.execute(
            "SELECT id FROM webhook_endpoints WHERE enabled = 1 "
            "AND (event_types = '*' OR instr(' ' || event_types || ' ', ' ' || ? || ' ') > 0) ORDER BY id",
            (event_type,),
        )
    ]


def add_event(
    con: apsw.Connection, message_id: str, event_type: str, data: str, endpoint_ids: list[int], now: datetime
) -> int:
    con.execute(
        "INSERT INTO webhook_events (message_id, type, occurred_at, data) VALUES (?, ?, ?, ?)",
        (message_id, event_type, to_db(now), data),
    )
    event_id = con.last_insert_rowid()
    con.executemany(
        "INSERT INTO webhook_deliveries (event_id, endpoint_id, created_at, next_attempt_at) VALUES (?, ?, ?, ?)",
        [(event_id, e, to_db(now), to_db(now)) for e in endpoint_ids],
    )
    return event_id


_DELIVERY = (
    "SELECT d.*, v.message_id, v.type, v.occurred_at, v.data, v.body, e.url, e.enabled "
    "FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id "
    "JOIN webhook_endpoints e ON e.id = d.endpoint_id "
)


def due(con: apsw.Connection, now: datetime, per_endpoint: int, limit: int) -> list[dict[str, Any]]:
    """Deliveries whose next attempt has come and that no worker holds (a lease that ran out means the worker
    died mid-way), oldest first, at most `per_endpoint` of each endpoint: a long queue for one endpoint never
    hides another's."""
    return rows(
        con,
        "SELECT * FROM (SELECT d.*, v.message_id, v.type, v.occurred_at, v.data, v.body, e.url, e.enabled, "
        "row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.id) AS nth "
        "FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id "
        "JOIN webhook_endpoints e ON e.id = d.endpoint_id "
        "WHERE d.state = 'queued' AND d.next_attempt_at <= ?1 "
        "AND (d.lease_until IS NULL OR d.lease_until <= ?1) AND e.enabled = 1) "
        "WHERE nth <= ?2 ORDER BY id LIMIT ?3",
        (to_db(now), per_endpoint, limit),
    )


def lease(con: apsw.Connection, delivery_id: int, now: datetime, lease_until: datetime) -> None:
    con.execute(
        "UPDATE webhook_deliveries SET lease_until = ?, attempts = attempts + 1, last_attempt_at = ? WHERE id = ?",
        (to_db(lease_until), to_db(now), delivery_id),
    )


def keep_body(con: apsw.Connection, event_id: int, body: str) -> str:
    """Keep the body an event is first sent with, so every retry sends (and signs) the same bytes."""
    con.execute("UPDATE webhook_events SET body = ? WHERE id = ? AND body IS NULL", (body, event_id))
    kept: str = value(con, "SELECT body FROM webhook_events WHERE id = ?", (event_id,))
    return kept


def delivered(con: apsw.Connection, delivery_id: int, status: int, now: datetime) -> None:
    con.execute(
        "UPDATE webhook_deliveries SET state = 'delivered', delivered_at = ?, lease_until = NULL, "
        "next_attempt_at = NULL, last_status = ?, last_error = '' WHERE id = ?",
        (to_db(now), status, delivery_id),
    )


def retry(con: apsw.Connection, delivery_id: int, status: int | None, error: str, at: datetime) -> None:
    con.execute(
        "UPDATE webhook_deliveries SET lease_until = NULL, next_attempt_at = ?, last_status = ?, last_error = ? "
        "WHERE id = ?",
        (to_db(at), status, error, delivery_id),
    )


def failed(con: apsw.Connection, delivery_id: int, status: int | None, error: str) -> None:
    con.execute(
        "UPDATE webhook_deliveries SET state = 'failed', lease_until = NULL, next_attempt_at = NULL, "
        "last_status = ?, last_error = ? WHERE id = ?",
        (status, error, delivery_id),
    )


def cancel_queued(con: apsw.Connection, endpoint_id: int, why: str) -> int:
    con.execute(
        "UPDATE webhook_deliveries SET state = 'cancelled', next_attempt_at = NULL, last_error = ? "
        "WHERE endpoint_id = ? AND state = 'queued' AND lease_until IS NULL",
        (why, endpoint_id),
    )
    return con.changes()


def send_again(con: apsw.Connection, delivery_id: int, now: datetime) -> None:
    """Queue a delivery again now, with its retries from the start; it keeps its webhook-id."""
    con.execute(
        "UPDATE webhook_deliveries SET state = 'queued', attempts = 0, next_attempt_at = ?, lease_until = NULL, "
        "delivered_at = NULL WHERE id = ?",
        (to_db(now), delivery_id),
    )


def delivery(con: apsw.Connection, delivery_id: int) -> dict[str, Any] | None:
    return row(con, _DELIVERY + "WHERE d.id = ?", (delivery_id,))


def deliveries(con: apsw.Connection, endpoint_id: int | None, limit: int) -> list[dict[str, Any]]:
    return rows(
        con,
        _DELIVERY + "WHERE ?1 IS NULL OR d.endpoint_id = ?1 ORDER BY d.id DESC LIMIT ?2",
        (endpoint_id, limit),
    )


def recording_subject(con: apsw.Connection, recording_id: int) -> dict[str, Any] | None:
    """What a recording belongs to: its answer, question, invitation and interview."""
    return row(
        con,
        "SELECT a.id AS answer_id, a.question_id, a.invitation_id, i.interview_id "
        "FROM recordings r JOIN takes t ON t.id = r.take_id JOIN answers a ON a.id = t.answer_id "
        "JOIN invitations i ON i.id = a.invitation_id WHERE r.id = ?",
        (recording_id,),
    )


def invitation_interview(con: apsw.Connection, invitation_id: int) -> int | None:
    found: int | None = value(con, "SELECT interview_id FROM invitations WHERE id = ?", (invitation_id,))
    return found


def release(con: apsw.Connection, delivery_id: int) -> None:
    """A worker stopping mid-attempt hands the delivery back: the attempt it had begun does not count."""
    con.execute(
        "UPDATE webhook_deliveries SET lease_until = NULL, attempts = max(0, attempts - 1) "
        "WHERE id = ? AND state = 'queued'",
        (delivery_id,),
    )
