"""SQL for reviewer and admin accounts and their assignments to interviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.domain.models import Account, Role
from boxinterview.store import sessions
from boxinterview.store._sql import row, rows, value


def _account(r: dict[str, Any]) -> Account:
    return Account(
        id=r["id"],
        email=r["email"],
        name=r["name"],
        role=Role(r["role"]),
        created_at=from_db(r["created_at"]),
        disabled_at=from_db(r["disabled_at"]),
    )


def insert(con: apsw.Connection, email: str, name: str, role: Role, password_hash: str, now: datetime) -> int:
    con.execute(
        "INSERT INTO accounts (email, name, role, password_hash, created_at, password_changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (email, name, role.value, password_hash, to_db(now), to_db(now)),
    )
    return con.last_insert_rowid()


def by_email(con: apsw.Connection, email: str) -> Account | None:
    """The account with this address however its letters are written: SQLite's NOCASE folds only A to Z, so
    "Björn@…" and "BJÖRN@…" are compared casefolded (there are few accounts)."""
    r = row(con, "SELECT * FROM accounts WHERE email = ?", (email,))
    if r is None and not email.isascii():
        wanted = email.casefold()
        r = next((x for x in rows(con, "SELECT * FROM accounts") if x["email"].casefold() == wanted), None)
    return _account(r) if r else None


def get(con: apsw.Connection, account_id: int) -> Account | None:
    r = row(con, "SELECT * FROM accounts WHERE id = ?", (account_id,))
    return _account(r) if r else None


def password_hash(con: apsw.Connection, account_id: int) -> str | None:
    found: str | None = value(con, "SELECT password_hash FROM accounts WHERE id = ?", (account_id,))
    return found


def set_password_hash(con: apsw.Connection, account_id: int, password_hash: str, now: datetime) -> None:
    """A new password. Every session signed in with the old one ends with it, in the same transaction."""
    con.execute(
        "UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id = ?",
        (password_hash, to_db(now), account_id),
    )
    sessions.delete_for_account(con, account_id)


def rehash(con: apsw.Connection, account_id: int, password_hash: str) -> None:
    """The same password under a stronger hash: nothing about who may sign in changes, so sessions stay."""
    con.execute("UPDATE accounts SET password_hash = ? WHERE id = ?", (password_hash, account_id))


def set_role(con: apsw.Connection, account_id: int, role: Role) -> None:
    """A new role; sessions granted under the old one end (they would otherwise carry it on)."""
    con.execute("UPDATE accounts SET role = ? WHERE id = ?", (role.value, account_id))
    sessions.delete_for_account(con, account_id)


def all_accounts(con: apsw.Connection) -> list[Account]:
    return [_account(r) for r in rows(con, "SELECT * FROM accounts ORDER BY email")]


def assign(con: apsw.Connection, account_id: int, interview_id: int, now: datetime) -> None:
    con.execute(
        "INSERT OR IGNORE INTO assignments (account_id, interview_id, created_at) VALUES (?, ?, ?)",
        (account_id, interview_id, to_db(now)),
    )


def assigned_interviews(con: apsw.Connection, account_id: int) -> list[int]:
    return [
        i
        for (i,) in con.execute(
            "SELECT interview_id FROM assignments WHERE account_id = ? ORDER BY interview_id", (account_id,)
        )
    ]


def set_disabled(con: apsw.Connection, account_id: int, when: datetime | None) -> None:
    """Disable an account (its sessions end at once, in the same transaction) or enable it again."""
    con.execute("UPDATE accounts SET disabled_at = ? WHERE id = ?", (to_db(when), account_id))
    if when is not None:
        sessions.delete_for_account(con, account_id)


def unassign(con: apsw.Connection, account_id: int, interview_id: int) -> None:
    con.execute(
        "DELETE FROM assignments WHERE account_id = ? AND interview_id = ?", (account_id, interview_id)
    )
