"""Webhooks to an applicant tracking system, as the Standard Webhooks specification describes them.

An endpoint is a URL, the event types it wants (or all) and a signing secret (`whsec_` and the base64 of 32
random bytes). A change that is an event (an invitation opened, an interview completed, a recording failed, a
review submitted, a decision made) calls `record` inside its own transaction: the event and one delivery per
endpoint that wants it are written with the change or not at all, like the mail outbox. The worker delivers
them (`pipeline/webhooks.py`).

Each event has one `webhook-id` (`msg_…`), kept on every retry and for every endpoint, so a receiver can use it
to process an event once. The payload is thin: the type, when it happened, and ids with links to the API and the
reviewer's page. The body is fixed the first time it is sent, so a retry sends and signs the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets as random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import apsw

from boxinterview import clock
from boxinterview.clock import from_db
from boxinterview.errors import Invalid, NotFound
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import webhooks as sql

EVENT_TYPES = {
    "invitation.opened": "A candidate opened their invitation link for the first time",
    "invitation.accommodation_requested": "A candidate asked for an adjustment, such as extra time, or changed "
    "what they asked",
    "interview.completed": "A candidate finished the interview",
    "recording.failed": "A recording could not be processed (or its upload was cancelled or abandoned)",
    "review.submitted": "A reviewer submitted scores",
    "decision.made": "A reviewer decided: advance, reject or hold",
}
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64


@dataclass(frozen=True)
class Endpoint:
    id: int
    url: str
    description: str
    event_types: tuple[str, ...]  # empty: every type
    enabled: bool
    disabled_reason: str
    created_at: datetime
    queued: int = 0
    failed: int = 0
    last_attempt_at: datetime | None = None

    @property
    def events_text(self) -> str:
        return " ".join(self.event_types) or "all events"


@dataclass(frozen=True)
class Delivery:
    id: int
    endpoint_id: int
    url: str
    message_id: str
    type: str
    state: str  # queued, delivered, failed, cancelled
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str
    delivered_at: datetime | None


def _endpoint(r: dict[str, Any]) -> Endpoint:
    return Endpoint(
        id=r["id"],
        url=r["url"],
        description=r["description"],
        event_types=() if r["event_types"] == sql.ALL else tuple(r["event_types"].split()),
        enabled=bool(r["enabled"]),
        disabled_reason=r["disabled_reason"],
        created_at=from_db(r["created_at"]),
        queued=r.get("queued", 0),
        failed=r.get("failed", 0),
        last_attempt_at=from_db(r.get("last_attempt_at")),
    )


def _delivery(r: dict[str, Any]) -> Delivery:
    return Delivery(
        id=r["id"],
        endpoint_id=r["endpoint_id"],
        url=r["url"],
        message_id=r["message_id"],
        type=r["type"],
        state=r["state"],
        attempts=r["attempts"],
        created_at=from_db(r["created_at"]),
        next_attempt_at=from_db(r["next_attempt_at"]) if r["state"] == "queued" else None,
        last_attempt_at=from_db(r["last_attempt_at"]),
        last_status=r["last_status"],
        last_error=r["last_error"],
        delivered_at=from_db(r["delivered_at"]),
    )


# -- signing ------------------------------------------------------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random.token_bytes(SECRET_BYTES)).decode("ascii")


def new_message_id() -> str:
    return "msg_" + random.token_urlsafe(18)  # never a `.`, which would blur the signed content's parts


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the base64-decoded secret."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = message_id.encode() + b"." + str(timestamp).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def signature_header(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """Every signature, space-separated: during a rotation's grace period both secrets sign."""
    return " ".join(sign(s, message_id, timestamp, body) for s in secrets)


def body(event_type: str, occurred_at: str, data: str, base_url: str) -> str:
    """The payload as sent: `type`, `timestamp` (ISO 8601) and `data`, whose links become absolute."""
    fields = json.loads(data)
    for key, link in fields.items():
        if key.endswith("_url") and isinstance(link, str) and link.startswith("/"):
            fields[key] = base_url.rstrip("/") + link
    return json.dumps(
        {"type": event_type, "timestamp": occurred_at, "data": fields},
        separators=(",", ":"),
        ensure_ascii=False,
    )


# -- events -------------------------------------------------------------------------------------------------------


def record(con: apsw.Connection, event_type: str, data: dict[str, Any], now: datetime) -> int:
    """Write the event and its deliveries inside the caller's transaction; 0 when no endpoint wants it."""
    assert event_type in EVENT_TYPES, event_type
    wanted = sql.subscribers(con, event_type)
    if not wanted:
        return 0
    return sql.add_event(con, new_message_id(), event_type, json.dumps(data, sort_keys=True), wanted, now)


def invitation_event(con: apsw.Connection, event_type: str, invitation_id: int, now: datetime) -> int:
    interview_id = sql.invitation_interview(con, invitation_id)
    return record(con, event_type, _invitation_data(invitation_id, interview_id), now)


def _invitation_data(invitation_id: int, interview_id: int | None) -> dict[str, Any]:
    return {
        "invitation_id": invitation_id,
        "interview_id": interview_id,
        "invitation_url": f"/api/v1/invitations/{invitation_id}",
        "interview_url": f"/api/v1/interviews/{interview_id}",
        "review_url": f"/review/{invitation_id}",
    }


def recording_failed(con: apsw.Connection, recording_id: int, now: datetime) -> int:
    found = sql.recording_subject(con, recording_id)
    if found is None:
        return 0
    data = _invitation_data(found["invitation_id"], found["interview_id"])
    data.update(recording_id=recording_id, answer_id=found["answer_id"], question_id=found["question_id"])
    return record(con, "recording.failed", data, now)


def review_submitted(
    con: apsw.Connection, invitation_id: int, reviewer_id: int, questions: list[int], now: datetime
) -> int:
    data = _invitation_data(invitation_id, sql.invitation_interview(con, invitation_id))
    data.update(reviewer_id=reviewer_id, question_ids=sorted(questions))
    return record(con, "review.submitted", data, now)


def decision_made(
    con: apsw.Connection, invitation_id: int, decision_id: int, outcome: str, changed: bool, now: datetime
) -> int:
    data = _invitation_data(invitation_id, sql.invitation_interview(con, invitation_id))
    data.update(decision_id=decision_id, outcome=outcome, changed=changed)
    return record(con, "decision.made", data, now)


# -- endpoints ----------------------------------------------------------------------------------------------------


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(f"{url[:200]!r} is not a web address: give one such as https://ats.example.com/hooks")
    if parts.username or parts.password:
        raise Invalid(
            "a webhook address may not hold a user name or password; the signature proves the sender"
        )
    if len(url) > 2000:
        raise Invalid("a webhook address is limited to 2000 characters")
    return url


def check_events(events: list[str] | None) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(e.strip() for e in events or [] if e.strip()))
    unknown = [e for e in wanted if e not in EVENT_TYPES]
    if unknown:
        raise Invalid(f"no event type {', '.join(unknown)}; the types are: {', '.join(EVENT_TYPES)}")
    return wanted


def _existing(con: apsw.Connection, endpoint_id: int) -> dict[str, Any]:
    found = sql.endpoint(con, endpoint_id)
    if found is None:
        raise NotFound(f"no webhook endpoint with id {endpoint_id}")
    return found


def _audit(
    con: apsw.Connection, actor: str, action: str, endpoint_id: int, now: datetime, **detail: Any
) -> None:
    audit_sql.record(
        con,
        actor=actor,
        action=action,
        subject_type="webhook",
        subject_id=endpoint_id,
        detail=detail,
        now=now,
    )


def add(
    db: Database,
    url: str,
    events: list[str] | None,
    description: str,
    actor: str,
    now: datetime | None = None,
) -> tuple[Endpoint, str]:
    """A new endpoint; returns it with its signing secret, for the receiver."""
    now = now or clock.now()
    url, wanted, secret = check_url(url), check_events(events), new_secret()

    def tx(con: apsw.Connection) -> Endpoint:
        endpoint_id = sql.add_endpoint(
            con, url, description.strip()[:500], " ".join(wanted) or sql.ALL, secret, now
        )
        _audit(con, actor, "webhook.add", endpoint_id, now, url=url, events=list(wanted) or "all")
        return _endpoint(_existing(con, endpoint_id))

    return db.write(tx), secret


def rotate(db: Database, endpoint_id: int, grace: timedelta, actor: str, now: datetime | None = None) -> str:
    """A new signing secret; the ones before it keep signing beside it for `grace`. Returns the new one."""
    now = now or clock.now()
    secret = new_secret()

    def tx(con: apsw.Connection) -> None:
        _existing(con, endpoint_id)
        sql.retire_secrets(con, endpoint_id, now + grace, now)
        sql.add_secret(con, endpoint_id, secret, now)
        _audit(con, actor, "webhook.rotate", endpoint_id, now, grace_hours=grace.total_seconds() / 3600)

    db.write(tx)
    return secret


def disable_in(con: apsw.Connection, endpoint_id: int, reason: str, actor: str, now: datetime) -> None:
    """Stop delivering to an endpoint, inside the caller's transaction: what waits for it is cancelled."""
    _existing(con, endpoint_id)
    sql.set_enabled(con, endpoint_id, False, reason, now)
    sql.cancel_queued(con, endpoint_id, f"not sent: the endpoint was disabled ({reason})")
    _audit(con, actor, "webhook.disable", endpoint_id, now, reason=reason)


def set_enabled(
    db: Database, endpoint_id: int, enabled: bool, actor: str, reason: str = "", now: datetime | None = None
) -> None:
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        if not enabled:
            disable_in(con, endpoint_id, reason.strip() or f"disabled by {actor}", actor, now)
            return
        _existing(con, endpoint_id)
        sql.set_enabled(con, endpoint_id, True, "", now)
        _audit(con, actor, "webhook.enable", endpoint_id, now)

    db.write(tx)


def remove(db: Database, endpoint_id: int, actor: str, now: datetime | None = None) -> None:
    """Remove an endpoint with its secrets and its delivery log."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        found = _existing(con, endpoint_id)
        sql.remove_endpoint(con, endpoint_id)
        _audit(con, actor, "webhook.remove", endpoint_id, now, url=found["url"])

    db.write(tx)


def send_again(db: Database, delivery_id: int, actor: str, now: datetime | None = None) -> Delivery:
    """Queue a delivery again now, with the same webhook-id and body, and the retry schedule from the start."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> Delivery:
        found = sql.delivery(con, delivery_id)
        if found is None:
            raise NotFound(f"no webhook delivery with id {delivery_id}")
        if not found["enabled"]:
            raise Invalid(f"endpoint {found['endpoint_id']} is disabled: enable it first")
        sql.send_again(con, delivery_id, now)
        _audit(con, actor, "webhook.resend", found["endpoint_id"], now, delivery=delivery_id)
        again = sql.delivery(con, delivery_id)
        assert again is not None
        return _delivery(again)

    return db.write(tx)


def endpoints(db: Database) -> list[Endpoint]:
    return [_endpoint(r) for r in db.read(sql.endpoints)]


def deliveries(db: Database, endpoint_id: int | None = None, limit: int = 100) -> list[Delivery]:
    return [_delivery(r) for r in db.read(sql.deliveries, endpoint_id, limit)]
