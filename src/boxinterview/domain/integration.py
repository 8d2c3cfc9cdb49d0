"""What an applicant tracking system may change through the API: invite a candidate, send the invitation again,
extend or withdraw it, record a decision. Each call is checked against the token's scopes, audited as the
integration, and — sent with an Idempotency-Key — answered once: a retry gets the first answer and changes
nothing, because the answer is kept in the same transaction as the change."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.domain import api, audit, decisions, invitations, viewing
from boxinterview.domain.api import Caller
from boxinterview.domain.models import InvitationStatus, Outcome
from boxinterview.errors import Conflict, Forbidden, Invalid, NotFound
from boxinterview.mail.letters import Letterhead
from boxinterview.store import Database
from boxinterview.store import api_tokens as tokens_sql
from boxinterview.store import candidates as candidates_sql

KEEP_ANSWERS = timedelta(hours=24)  # how long a request's answer is kept for a retry with the same key
MAX_KEY = 255


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def require(caller: Caller, scope: str) -> None:
    if scope not in caller.scopes:
        raise Forbidden(
            f"the token {caller.name!r} may {', '.join(sorted(caller.scopes))}; this needs the {scope!r} scope "
            f"(make a token with it: boxinterview token add NAME --scopes {','.join(sorted(caller.scopes | {scope}))})"
        )


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def once(
    db: Database,
    caller: Caller,
    key: str | None,
    request_fingerprint: str,
    change: Callable[[], tuple[int, dict[str, Any]]],
    now: datetime | None = None,
) -> Reply:
    """Run `change` (which writes through the domain) and, with a `key`, keep its answer in the same transaction;
    the same key again gets that answer. A key reused for a different request is refused."""
    now = now or clock.now()
    if key is not None and not (1 <= len(key) <= MAX_KEY and key.isprintable() and key.isascii()):
        raise Invalid(f"Idempotency-Key must be 1 to {MAX_KEY} printable ASCII characters, e.g. a UUID")

    def tx(con: apsw.Connection) -> Reply:
        if key is not None:
            kept = tokens_sql.remembered(con, caller.token_id, key)
            if kept is not None:
                if kept["fingerprint"] != request_fingerprint:
                    raise Invalid(
                        "this Idempotency-Key was used for a different request; use a new key for a new request"
                    )
                return Reply(kept["status"], json.loads(kept["response"]), replayed=True)
        status, body = change()  # its own db.write joins this transaction
        if key is not None:
            tokens_sql.remember(con, caller.token_id, key, request_fingerprint, status, json.dumps(body), now)
        return Reply(status, body)

    return db.write(tx)


def forget_old_requests(db: Database, now: datetime | None = None) -> int:
    return db.write(tokens_sql.forget_requests_before, (now or clock.now()) - KEEP_ANSWERS)


# -- reading the request body -----------------------------------------------------------------------------------


class Body:
    """A JSON object sent to the API, read field by field; unknown fields are refused, naming the known ones."""

    def __init__(self, raw: object, known: dict[str, str]) -> None:
        if not isinstance(raw, dict):
            raise Invalid(
                "send a JSON object, e.g. {" + ", ".join(f'"{k}": …' for k in list(known)[:2]) + "}"
            )
        unknown = sorted(set(raw) - set(known))
        if unknown:
            fields = "; ".join(f"{k} ({what})" for k, what in known.items())
            raise Invalid(f"unknown field(s) {', '.join(map(repr, unknown))}; the fields are: {fields}")
        self.raw = raw
        self.known = known

    def text(self, key: str, required: bool = False, limit: int = 5000) -> str:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise Invalid(f"{key} is required ({self.known[key]})", [(key, "required")])
            return ""
        if not isinstance(value, str):
            raise Invalid(f"{key} must be a string ({self.known[key]})", [(key, "type")])
        if len(value) > limit:
            raise Invalid(f"{key} must be at most {limit} characters", [(key, "length")])
        return value

    def number(self, key: str, default: float) -> float:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(f"{key} must be a number ({self.known[key]})", [(key, "type")])
        return float(value)

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise Invalid(f"{key} must be true or false", [(key, "type")])
        return value

    def moment(self, key: str, required: bool = False) -> datetime | None:
        text = self.text(key, required, limit=64)
        return invitations.parse_deadline(text) if text else None


# -- the changes ------------------------------------------------------------------------------------------------

INVITE_FIELDS = {
    "name": "the candidate's name, required",
    "email": "the candidate's e-mail address, required",
    "deadline": "ISO 8601 date and time with a zone, e.g. 2026-12-31T17:00:00+01:00; default: the interview's",
    "time_multiplier": "extra time as an accommodation, 1.0 to 4.0; default 1.0",
    "accommodation_note": "why the extra time was granted, for the hiring team",
    "external_id": "the candidate's id in your system, unique per interview",
}


def invite(
    db: Database, caller: Caller, interview_id: int, raw: object, head: Letterhead
) -> tuple[int, dict[str, Any]]:
    require(caller, "invite")
    body = Body(raw, INVITE_FIELDS)
    external = body.text("external_id", limit=200).strip()

    def tx(con: apsw.Connection) -> tuple[int, dict[str, Any]]:
        if external:
            earlier = candidates_sql.by_external_id(con, interview_id, external)
            if earlier is not None:
                raise Conflict(
                    f"external_id {external!r} is already invitation {earlier} of interview {interview_id} "
                    f"(/api/v1/invitations/{earlier}); send it again with the same Idempotency-Key to get "
                    "the first answer"
                )
        found, _ = invitations.invite(
            db,
            interview_id,
            body.text("name", required=True, limit=200),
            body.text("email", required=True, limit=320),
            caller.actor,
            deadline=body.moment("deadline"),
            time_multiplier=body.number("time_multiplier", 1.0),
            accommodation_note=body.text("accommodation_note", limit=1000),
            letterhead=head,
        )
        if external:
            candidates_sql.set_external_id(con, found.id, external)
        return 201, api.invitation(db, None, found.id)

    return db.write(tx)


def resend(db: Database, caller: Caller, invitation_id: int, head: Letterhead) -> tuple[int, dict[str, Any]]:
    require(caller, "invite")
    invitations.resend(db, invitation_id, head, caller.actor)
    return 202, api.invitation(db, None, invitation_id)


def extend(
    db: Database, caller: Caller, invitation_id: int, raw: object, head: Letterhead
) -> tuple[int, dict[str, Any]]:
    require(caller, "invite")
    body = Body(raw, {"deadline": "the new deadline, ISO 8601 with a zone, required"})
    deadline = body.moment("deadline", required=True)
    assert deadline is not None
    invitations.extend_deadline(db, invitation_id, deadline, caller.actor, letterhead=head)
    return 200, api.invitation(db, None, invitation_id)


def withdraw(db: Database, caller: Caller, invitation_id: int) -> tuple[int, dict[str, Any]]:
    require(caller, "invite")
    invitations.move(db, invitation_id, InvitationStatus.WITHDRAWN, caller.actor)
    return 200, api.invitation(db, None, invitation_id)


DECIDE_FIELDS = {
    "outcome": "advance, reject or hold, required",
    "feedback": "words for the candidate, put into the outcome message",
    "change": "true to change a decision already recorded",
}


def decide(
    db: Database, caller: Caller, invitation_id: int, raw: object, head: Letterhead
) -> tuple[int, dict[str, Any]]:
    require(caller, "decide")
    body = Body(raw, DECIDE_FIELDS)
    word = body.text("outcome", required=True, limit=20)
    try:
        outcome = Outcome(word)
    except ValueError:
        raise Invalid(
            f"outcome is one of advance, reject, hold; not {word!r}", [("outcome", "value")]
        ) from None
    decisions.decide(
        db,
        None,
        invitation_id,
        outcome,
        body.text("feedback", limit=decisions.MAX_FEEDBACK),
        head,
        change=body.flag("change"),
        integration=caller.name,
    )
    return 201, api.invitation(db, None, invitation_id)


# -- links to recordings ----------------------------------------------------------------------------------------


def _signature(token_hash: str, recording_id: int, kind: str, expires: int) -> str:
    message = f"{recording_id}:{kind}:{expires}".encode()
    return hmac.new(token_hash.encode(), message, hashlib.sha256).hexdigest()


def media_link(db: Database, caller: Caller, recording_id: int, kind: str, minutes: int) -> str:
    """A link to a recording's playback file or poster that works for `minutes` and stops working when the token
    is revoked (it is signed with the token's own key)."""
    found = db.read(tokens_sql.live_by_id, caller.token_id)
    if found is None:
        raise NotFound("the token was revoked")
    expires = int((clock.now() + timedelta(minutes=minutes)).timestamp())
    signature = _signature(found["token_hash"], recording_id, kind, expires)
    return (
        f"/api/v1/media/{recording_id}/{kind}?token={caller.token_id}&expires={expires}&signature={signature}"
    )


def with_media_links(
    db: Database, caller: Caller, found: dict[str, Any], base: str, minutes: int
) -> dict[str, Any]:
    """An invitation as the API shows it, each ready recording with links to its playback file and poster."""
    for answer in found.get("answers", []):
        recording = answer.get("recording")
        if recording and recording["state"] == "ready":
            recording["links"] = {
                kind: base + media_link(db, caller, recording["id"], kind, minutes) for kind in viewing.KINDS
            }
            recording["links_expire_in_minutes"] = minutes
    return found


def media_path(
    db: Database,
    recording_id: int,
    kind: str,
    token_id: int,
    expires: int,
    signature: str,
    audited: bool = True,
) -> str:
    """The file a media link leads to, if its signature is right, it has not expired and its token still works.
    `audited` notes the viewing for the audit log (not when a viewing already given is checked again)."""
    found = db.read(tokens_sql.live_by_id, token_id)
    wanted = _signature(found["token_hash"], recording_id, kind, expires) if found else ""
    if not found or not hmac.compare_digest(wanted, signature) or "read" not in found["scopes"].split():
        raise Forbidden("this link is not valid: ask the API for a fresh one")
    if expires < clock.now().timestamp():
        raise Forbidden("this link has expired: ask the API for a fresh one")
    path = db.read(lambda con: viewing.visible(con, recording_id, kind, lambda owner: True))
    if not audited:
        return path
    audit.viewed(
        db,
        actor=f"api:{found['name']}",
        action=f"recording.{kind}",
        subject_type="recording",
        subject_id=recording_id,
    )
    return path
