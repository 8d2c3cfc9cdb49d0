"""Reviewer and admin accounts: created by the operator, passwords hashed with argon2id."""

from __future__ import annotations

import functools
import secrets
from datetime import datetime

import apsw
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from boxinterview import clock
from boxinterview.domain import plaintext
from boxinterview.domain.invitations import check_email
from boxinterview.domain.models import Account, Role
from boxinterview.errors import Conflict, Invalid, NotFound
from boxinterview.store import Database
from boxinterview.store import accounts as sql
from boxinterview.store import audit as audit_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import sessions as sessions_sql

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
MIN_PASSWORD = 12


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so a wrong e-mail costs as long as a wrong password."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _existing(con: apsw.Connection, email: str) -> Account:
    account = sql.by_email(con, email)
    if account is None:
        raise NotFound(f"no account for {email}")
    return account


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def create(
    db: Database,
    email: str,
    role: Role,
    actor: str,
    *,
    name: str = "",
    password: str | None = None,
    now: datetime | None = None,
) -> tuple[Account, str]:
    """Create an account; returns it with its password (generated when none is given), shown once."""
    now = now or clock.now()
    email = check_email(email)
    password = password or generate_password()
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password needs at least {MIN_PASSWORD} characters", [("password", "too short")])
    hashed = _hasher.hash(password)

    def tx(con: apsw.Connection) -> Account:
        if sql.by_email(con, email) is not None:
            raise Conflict(
                f"an account for {email} already exists; give it a new password instead "
                f"(`boxinterview user password {email}`, or p in the console's Reviewers)"
            )
        account_id = sql.insert(con, email, plaintext.one_line(name), role, hashed, now)
        audit_sql.record(
            con,
            actor=actor,
            action="account.create",
            subject_type="account",
            subject_id=account_id,
            detail={"email": email, "role": role.value},
            now=now,
        )
        found = sql.get(con, account_id)
        assert found is not None
        return found

    return db.write(tx), password


MAX_EMAIL = 320  # longer than any address can be; what is kept of a sign-in attempt stays small


def attempt_key(email: str) -> str:
    """How failed sign-ins for an address are counted (`sessions.login`): the same account however its address
    is written."""
    return email.strip()[:MAX_EMAIL].casefold()


def reset_password(db: Database, email: str, actor: str, now: datetime | None = None) -> str:
    """A new password, returned to be shown once; the account's sessions end (the old password may be known),
    and the failed sign-ins counted against it are forgotten, so it can sign in at once."""
    now = now or clock.now()
    password = generate_password()
    hashed = _hasher.hash(password)

    def tx(con: apsw.Connection) -> None:
        account = _existing(con, email)
        sql.set_password_hash(con, account.id, hashed, now)
        sessions_sql.clear_attempts(con, attempt_key(account.email))
        audit_sql.record(
            con,
            actor=actor,
            action="account.reset_password",
            subject_type="account",
            subject_id=account.id,
            now=now,
        )

    db.write(tx)
    return password


def authenticate(db: Database, email: str, password: str) -> Account | None:
    """The active account with this e-mail and password, or None. Takes as long whether or not it exists."""
    account = db.read(sql.by_email, email.strip())
    stored = db.read(sql.password_hash, account.id) if account else None
    try:
        _hasher.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or stored is None or not account.active:
        return None
    if _hasher.check_needs_rehash(stored):
        db.write(sql.rehash, account.id, _hasher.hash(password))
    return account


def assign(db: Database, email: str, interview_id: int, actor: str, now: datetime | None = None) -> None:
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        account = sql.by_email(con, email)
        if account is None:
            raise NotFound(f"no account for {email}; add it with `boxinterview user add {email}`")
        if interviews_sql.status(con, interview_id) is None:
            raise NotFound(f"no interview with id {interview_id}")
        sql.assign(con, account.id, interview_id, now)
        audit_sql.record(
            con,
            actor=actor,
            action="account.assign",
            subject_type="account",
            subject_id=account.id,
            detail={"interview": interview_id},
            now=now,
        )

    db.write(tx)


def listing(db: Database) -> list[Account]:
    return db.read(sql.all_accounts)


def assigned_interviews(db: Database, account_id: int) -> list[int]:
    return db.read(sql.assigned_interviews, account_id)


def set_active(db: Database, email: str, active: bool, actor: str, now: datetime | None = None) -> None:
    """Disable an account (its sessions end at once) or enable it again."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        account = _existing(con, email)
        sql.set_disabled(con, account.id, None if active else now)
        audit_sql.record(
            con,
            actor=actor,
            action="account.enable" if active else "account.disable",
            subject_type="account",
            subject_id=account.id,
            now=now,
        )

    db.write(tx)


def unassign(db: Database, email: str, interview_id: int, actor: str, now: datetime | None = None) -> None:
    now = now or clock.now()

    def tx(con: apsw.Connection) -> None:
        account = _existing(con, email)
        sql.unassign(con, account.id, interview_id)
        audit_sql.record(
            con,
            actor=actor,
            action="account.unassign",
            subject_type="account",
            subject_id=account.id,
            detail={"interview": interview_id},
            now=now,
        )

    db.write(tx)


def set_role(db: Database, email: str, role: Role, actor: str, now: datetime | None = None) -> Account:
    """Make an account a reviewer or an admin; it signs in again under its new role."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> Account:
        account = _existing(con, email)
        if account.role is not role:
            sql.set_role(con, account.id, role)
            audit_sql.record(
                con,
                actor=actor,
                action="account.role",
                subject_type="account",
                subject_id=account.id,
                detail={"role": role.value},
                now=now,
            )
        found = sql.get(con, account.id)
        assert found is not None
        return found

    return db.write(tx)
