"""Reviewer sign-in: sessions kept in the store (the cookie holds a random value, the store its hash), idle and
absolute expiry, and throttling of failed logins.

Failed sign-ins are counted three ways over 15 minutes: for an account from one address (`login_max_failures`),
from one address for any account (`login_max_failures_per_address`), and for an account from everywhere (ten
times `login_max_failures`). So a stranger guessing from one place stops only themselves: the reviewer, from
their own address, still signs in. Guesses spread over many addresses make the account wait for everyone, until
the window passes or the operator sets a new password (which clears the count)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import apsw

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.domain import accounts
from boxinterview.domain.models import Account
from boxinterview.errors import BoxError, Forbidden
from boxinterview.store import Database
from boxinterview.store import accounts as accounts_sql
from boxinterview.store import audit as audit_sql
from boxinterview.store import sessions as sql

THROTTLE_WINDOW = timedelta(minutes=15)
FROM_EVERYWHERE = 10  # times login_max_failures: failures for one account from all addresses together


class Throttled(BoxError):
    """Too many failed logins; `retry_after` seconds until the next try."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str
    id_hash: str


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def login(
    db: Database, settings: Settings, email: str, password: str, address: str, now: datetime | None = None
) -> str:
    """Check the password; return the new session's cookie value. Raises Forbidden or Throttled."""
    now = now or clock.now()
    email = email.strip()[: accounts.MAX_EMAIL]
    counted = accounts.attempt_key(email)
    r = settings.reviews

    def claim(con: apsw.Connection) -> str:
        """Why this attempt may not be made, or "" when it may."""
        pair, by_email, by_address = sql.attempts_since(con, counted, address, now - THROTTLE_WINDOW)
        if by_email >= r.login_max_failures * FROM_EVERYWHERE:  # guessed at from many places: a new password
            return "too many failed sign-ins to this account; wait 15 minutes, or ask the operator for a new password"
        if pair >= r.login_max_failures or by_address >= r.login_max_failures_per_address:
            return "too many failed sign-ins from here; wait 15 minutes and try again"
        # The attempt counts as failed until the password proves right, and it is counted in the same write
        # transaction as the check: guesses sent in parallel queue here, so no more than the limit are ever tried.
        sql.record_attempt(con, counted, address, now)
        return ""

    if why := db.write(claim):
        raise Throttled(why, int(THROTTLE_WINDOW.total_seconds()))
    account = accounts.authenticate(db, email, password)
    if account is None:
        raise Forbidden("the e-mail address or password is not right")
    raw = secrets.token_urlsafe(32)

    def tx(con: apsw.Connection) -> None:
        sql.clear_attempts(con, counted)
        sql.insert(con, _hash(raw), account.id, secrets.token_urlsafe(24), address, now)
        audit_sql.record(
            con,
            actor=f"reviewer:{account.id}",
            action="session.login",
            subject_type="account",
            subject_id=account.id,
            detail={"address": address},
            now=now,
        )

    db.write(tx)
    return raw


def resolve(
    db: Database, settings: Settings, raw: str, now: datetime | None = None, touch: bool = True
) -> Session | None:
    """The live session for a cookie value, or None (unknown, idle too long, too old, account disabled).
    `touch` counts this as the reviewer being active; the server checking on its own (a viewing) does not."""
    if not raw or len(raw) > 100:
        return None
    now = now or clock.now()
    id_hash = _hash(raw)
    found = db.read(sql.get, id_hash)
    if found is None:
        return None
    r = settings.reviews
    idle = now - found["last_seen_at"] > timedelta(minutes=r.session_idle_minutes)
    old = now - found["created_at"] > timedelta(hours=r.session_max_hours)
    account = db.read(accounts_sql.get, found["account_id"])
    if idle or old or account is None or not account.active:
        db.write(sql.delete, id_hash)
        return None
    if touch and now - found["last_seen_at"] > timedelta(minutes=1):  # no write on every request
        db.write(sql.touch, id_hash, now)
    return Session(account=account, csrf=found["csrf"], id_hash=id_hash)


def logout(db: Database, session: Session) -> None:
    db.write(sql.delete, session.id_hash)
