"""Remote runners: machines that process recordings for this server over HTTPS (`boxinterview runner`).

The operator makes a one-time registration token; a runner spends it to register and gets a runner token of its
own, which it sends with every call. Both are 256 random bits, kept only as SHA-256. Removing a runner stops its
token at once and hands its jobs back to the queue. A runner holds a job through the job's lease, owned as
`runner:ID:…` (see `pipeline.remote`)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.errors import Forbidden, Invalid, NotFound
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import jobs as jobs_sql
from boxinterview.store import runners as sql

REGISTRATION_PREFIX = "bxreg_"
RUNNER_PREFIX = "bxrun_"
MAX_NAME = 100
SEEN_EVERY = timedelta(seconds=30)  # how often a runner's last call is written down (not at every call)
Job = jobs_sql.Job  # a job a runner holds, as `listing` gives it


def hashed(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def owner_prefix(runner_id: int) -> str:
    """How every lease a runner holds begins."""
    return f"runner:{runner_id}:"


@dataclass(frozen=True)
class Runner:
    id: int
    name: str
    address: str
    registered_at: datetime
    last_seen_at: datetime | None


def _runner(r: dict[str, Any]) -> Runner:
    return Runner(
        id=r["id"],
        name=r["name"],
        address=r["address"],
        registered_at=clock.from_db(r["registered_at"]),
        last_seen_at=clock.from_db(r["last_seen_at"]),
    )


def create_registration_token(db: Database, note: str, actor: str) -> str:
    """A token one runner may register with, once; shown only now."""
    note = " ".join(note.split())
    if len(note) > 200:
        raise Invalid("keep the note to 200 characters (say which machine the token is for)")
    token = REGISTRATION_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()

    def tx(con: apsw.Connection) -> None:
        token_id = sql.add_registration_token(con, hashed(token), note, now)
        audit_sql.record(
            con,
            actor=actor,
            action="runner_token.create",
            subject_type="runner_registration_token",
            subject_id=token_id,
            detail={"note": note},
            now=now,
        )

    db.write(tx)
    return token


def registration_tokens(db: Database) -> list[dict[str, Any]]:
    return db.read(sql.registration_tokens)


def revoke_registration_token(db: Database, token_id: int, actor: str) -> None:
    now = clock.now()

    def tx(con: apsw.Connection) -> None:
        if not sql.revoke_registration_token(con, token_id, now):
            raise NotFound(
                f"no unused registration token with id {token_id}; `boxinterview runner-token list` shows them"
            )
        audit_sql.record(
            con,
            actor=actor,
            action="runner_token.revoke",
            subject_type="runner_registration_token",
            subject_id=token_id,
            now=now,
        )

    db.write(tx)


def register(db: Database, registration_token: str, name: str, address: str) -> tuple[Runner, str]:
    """A new runner for a registration token not yet used; returns it and its own token (shown only now)."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise Invalid(f"give the runner a name of 1 to {MAX_NAME} characters, e.g. the machine's host name")
    token = RUNNER_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()

    def tx(con: apsw.Connection) -> Runner:
        runner_id = sql.add(con, name, hashed(token), address, now)
        if not sql.use_registration_token(con, hashed(registration_token), runner_id, now):
            raise Forbidden(
                "the registration token is not valid: it was used already, revoked, or mistyped; make a new one "
                "on the server with `boxinterview runner-token add`"
            )
        audit_sql.record(
            con,
            actor=f"runner:{name}",
            action="runner.register",
            subject_type="runner",
            subject_id=runner_id,
            detail={"name": name, "address": address},
            now=now,
        )
        return Runner(runner_id, name, address, now, now)

    return db.write(tx), token


def check(db: Database, token: str, address: str) -> Runner | None:
    """The runner a runner token belongs to (None for a wrong or removed one), noting when it was last seen."""
    if not token.startswith(RUNNER_PREFIX) or len(token) > 100:
        return None
    found = db.read(sql.live, hashed(token))
    if found is None:
        return None
    runner = _runner(found)
    now = clock.now()
    if runner.last_seen_at is None or now - runner.last_seen_at > SEEN_EVERY or runner.address != address:
        db.write(sql.seen, runner.id, address, now)
    return runner


def remove(db: Database, runner_id: int, actor: str) -> int:
    """Remove a runner: its token stops working, its jobs go back to the queue now. Returns how many."""
    now = clock.now()

    def tx(con: apsw.Connection) -> int:
        if not sql.remove(con, runner_id, now):
            raise NotFound(f"no runner with id {runner_id}; `boxinterview runners list` shows them")
        released = jobs_sql.release_all_of(con, owner_prefix(runner_id), now)
        audit_sql.record(
            con,
            actor=actor,
            action="runner.remove",
            subject_type="runner",
            subject_id=runner_id,
            detail={"jobs_released": released},
            now=now,
        )
        return released

    return db.write(tx)


def listing(db: Database) -> list[tuple[Runner, list[jobs_sql.Job]]]:
    """Every runner not removed, with the jobs it holds now."""

    def read(con: apsw.Connection) -> list[tuple[Runner, list[jobs_sql.Job]]]:
        found = [_runner(r) for r in sql.listing(con)]
        return [(r, jobs_sql.running_of(con, owner_prefix(r.id))) for r in found]

    return db.read(read)
