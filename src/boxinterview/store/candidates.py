"""SQL for candidates and their invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.domain.models import Candidate, Invitation, InvitationStatus
from boxinterview.store._sql import row, rows, value


def _candidate(r: dict[str, Any]) -> Candidate:
    return Candidate(
        id=r["id"],
        name=r["name"],
        email=r["email"],
        phone=r["phone"],
        created_at=from_db(r["created_at"]),
        erased_at=from_db(r["erased_at"]),
    )


def _invitation(r: dict[str, Any]) -> Invitation:
    return Invitation(
        id=r["id"],
        interview_id=r["interview_id"],
        candidate_id=r["candidate_id"],
        number=r["number"],
        deadline=from_db(r["deadline"]),
        status=InvitationStatus(r["status"]),
        time_multiplier=r["time_multiplier"],
        accommodation_note=r["accommodation_note"],
        consent_at=from_db(r["consent_at"]),
        consent_version=r["consent_version"],
        created_at=from_db(r["created_at"]),
        opened_at=from_db(r["opened_at"]),
        started_at=from_db(r["started_at"]),
        completed_at=from_db(r["completed_at"]),
        closed_at=from_db(r["closed_at"]),
        accommodation_request=r["accommodation_request"],
        accommodation_requested_at=from_db(r["accommodation_requested_at"]),
        erased_at=from_db(r["erased_at"]),
        accommodation_answered_at=from_db(r["accommodation_answered_at"]),
    )


def candidate_by_email(con: apsw.Connection, email: str) -> Candidate | None:
    r = row(con, "SELECT * FROM candidates WHERE email = ?", (email,))
    return _candidate(r) if r else None


def get_candidate(con: apsw.Connection, candidate_id: int) -> Candidate | None:
    r = row(con, "SELECT * FROM candidates WHERE id = ?", (candidate_id,))
    return _candidate(r) if r else None


def insert_candidate(con: apsw.Connection, name: str, email: str, phone: str, now: datetime) -> int:
    con.execute(
        "INSERT INTO candidates (name, email, phone, created_at) VALUES (?, ?, ?, ?)",
        (name, email, phone, to_db(now)),
    )
    return con.last_insert_rowid()


def invitation_exists(con: apsw.Connection, interview_id: int, candidate_id: int) -> bool:
    return bool(
        value(
            con,
            "SELECT EXISTS (SELECT 1 FROM invitations WHERE interview_id = ? AND candidate_id = ?)",
            (interview_id, candidate_id),
        )
    )


def insert_invitation(
    con: apsw.Connection,
    *,
    interview_id: int,
    candidate_id: int,
    token_hash: str,
    deadline: datetime,
    time_multiplier: float,
    accommodation_note: str,
    now: datetime,
) -> int:
    # Numbers are per interview and never reused: blind review calls the candidate "Candidate <number>".
    number = (
        value(con, "SELECT max(number) FROM invitations WHERE interview_id = ?", (interview_id,)) or 0
    ) + 1
    con.execute(
        "INSERT INTO invitations (interview_id, candidate_id, number, token_hash, deadline, time_multiplier, "
        "accommodation_note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            interview_id,
            candidate_id,
            number,
            token_hash,
            to_db(deadline),
            time_multiplier,
            accommodation_note,
            to_db(now),
        ),
    )
    return con.last_insert_rowid()


def set_external_id(con: apsw.Connection, invitation_id: int, external_id: str) -> None:
    con.execute("UPDATE invitations SET external_id = ? WHERE id = ?", (external_id, invitation_id))


def by_external_id(con: apsw.Connection, interview_id: int, external_id: str) -> int | None:
    found: int | None = value(
        con,
        "SELECT id FROM invitations WHERE interview_id = ? AND external_id = ?",
        (interview_id, external_id),
    )
    return found


def external_id(con: apsw.Connection, invitation_id: int) -> str | None:
    found: str | None = value(con, "SELECT external_id FROM invitations WHERE id = ?", (invitation_id,))
    return found


def get_invitation(con: apsw.Connection, invitation_id: int) -> Invitation | None:
    r = row(con, "SELECT * FROM invitations WHERE id = ?", (invitation_id,))
    return _invitation(r) if r else None


def invitation_by_token_hash(con: apsw.Connection, token_hash: str) -> Invitation | None:
    r = row(con, "SELECT * FROM invitations WHERE token_hash = ?", (token_hash,))
    if r is None:  # a link from a reminder
        r = row(
            con,
            "SELECT v.* FROM invitation_links l JOIN invitations v ON v.id = l.invitation_id WHERE l.token_hash = ?",
            (token_hash,),
        )
    return _invitation(r) if r else None


def add_link(con: apsw.Connection, invitation_id: int, token_hash: str, now: datetime) -> None:
    con.execute(
        "INSERT INTO invitation_links (token_hash, invitation_id, created_at) VALUES (?, ?, ?)",
        (token_hash, invitation_id, to_db(now)),
    )


_WITH_CANDIDATE = """
    SELECT v.*, c.id AS c_id, c.name AS c_name, c.email AS c_email, c.phone AS c_phone,
           c.created_at AS c_created_at, c.erased_at AS c_erased_at
    FROM invitations v JOIN candidates c ON c.id = v.candidate_id
"""


def _with_candidates(
    con: apsw.Connection, where: str, params: tuple[Any, ...]
) -> list[tuple[Invitation, Candidate]]:
    out = []
    for r in rows(con, _WITH_CANDIDATE + where, params):
        cand = {k[2:]: v for k, v in r.items() if k.startswith("c_")}
        out.append((_invitation(r), _candidate(cand)))
    return out


def awaiting(con: apsw.Connection, now: datetime) -> list[tuple[Invitation, Candidate]]:
    """Invitations still open before their deadline, with their candidates (for reminders)."""
    return _with_candidates(
        con,
        "WHERE v.status IN ('invited', 'opened', 'started') AND v.deadline > ? AND c.email IS NOT NULL "
        "AND v.erased_at IS NULL",
        (to_db(now),),
    )


def invitations_of(con: apsw.Connection, interview_id: int) -> list[tuple[Invitation, Candidate]]:
    return _with_candidates(con, "WHERE v.interview_id = ? ORDER BY v.number", (interview_id,))


_STAMP = {
    InvitationStatus.OPENED: "opened_at",
    InvitationStatus.STARTED: "started_at",
    InvitationStatus.COMPLETED: "completed_at",
    InvitationStatus.WITHDRAWN: "closed_at",
    InvitationStatus.EXPIRED: "closed_at",
}


def set_invitation_status(
    con: apsw.Connection, invitation_id: int, expected: InvitationStatus, new: InvitationStatus, now: datetime
) -> bool:
    """Move from `expected` to `new`, stamping the time of the step; False if someone else moved it first."""
    stamp = _STAMP.get(new)
    sets = "status = ?" + (f", {stamp} = coalesce({stamp}, ?)" if stamp else "")
    params: tuple[Any, ...] = (new.value, to_db(now)) if stamp else (new.value,)
    con.execute(
        f"UPDATE invitations SET {sets} WHERE id = ? AND status = ?", (*params, invitation_id, expected.value)
    )
    return con.changes() == 1


def set_deadline(con: apsw.Connection, invitation_id: int, deadline: datetime) -> None:
    con.execute(
        "UPDATE invitations SET deadline = ?, closed_at = NULL WHERE id = ?", (to_db(deadline), invitation_id)
    )


def set_accommodation(
    con: apsw.Connection, invitation_id: int, multiplier: float, note: str, now: datetime
) -> None:
    con.execute(
        "UPDATE invitations SET time_multiplier = ?, accommodation_note = ?, accommodation_answered_at = ? "
        "WHERE id = ?",
        (multiplier, note, to_db(now), invitation_id),
    )


def record_consent(con: apsw.Connection, invitation_id: int, version: str, now: datetime) -> None:
    con.execute(
        "UPDATE invitations SET consent_at = ?, consent_version = ? WHERE id = ?",
        (to_db(now), version, invitation_id),
    )


def request_accommodation(con: apsw.Connection, invitation_id: int, request: str, now: datetime) -> None:
    con.execute(
        "UPDATE invitations SET accommodation_request = ?, accommodation_requested_at = ? WHERE id = ?",
        (request, to_db(now), invitation_id),
    )
