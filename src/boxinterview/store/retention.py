"""SQL for erasing an invitation's personal data once its interview's retention has run out."""

from __future__ import annotations

from datetime import datetime

import apsw

from boxinterview.clock import to_db
from boxinterview.store import _paths
from boxinterview.store._sql import rows, value

# The last thing that happened to an invitation: its latest decision, else its completion or closing, else its
# deadline. Retention counts from there.
_LAST = (
    "coalesce((SELECT max(d.decided_at) FROM decisions d WHERE d.invitation_id = i.id), i.completed_at, "
    "i.closed_at, i.deadline)"
)


def due(con: apsw.Connection, now: datetime, limit: int = 500) -> list[int]:
    return [
        r["id"]
        for r in rows(
            con,
            f"SELECT i.id FROM invitations i JOIN interviews v ON v.id = i.interview_id WHERE i.erased_at IS NULL "
            f"AND julianday({_LAST}) + v.retention_days < julianday(?) ORDER BY i.id LIMIT ?",
            (to_db(now), limit),
        )
    ]


def is_erased(con: apsw.Connection, invitation_id: int) -> bool:
    return value(con, "SELECT erased_at FROM invitations WHERE id = ?", (invitation_id,)) is not None


def media(con: apsw.Connection, invitation_id: int) -> tuple[list[int], list[str], list[str]]:
    """(recording ids, answer file paths, upload ids) whose files are the invitation's."""
    recs = rows(
        con,
        "SELECT r.id FROM recordings r JOIN takes t ON t.id = r.take_id JOIN answers a ON a.id = t.answer_id "
        "WHERE a.invitation_id = ?",
        (invitation_id,),
    )
    docs = rows(
        con,
        "SELECT file_path FROM answers WHERE invitation_id = ? AND file_path IS NOT NULL",
        (invitation_id,),
    )
    ups = rows(
        con,
        "SELECT u.id FROM uploads u JOIN recordings r ON r.id = u.recording_id JOIN takes t ON t.id = r.take_id "
        "JOIN answers a ON a.id = t.answer_id WHERE a.invitation_id = ?",
        (invitation_id,),
    )
    return (
        [r["id"] for r in recs],
        [_paths.full(con, d["file_path"]) or "" for d in docs],
        [u["id"] for u in ups],
    )


def erase(con: apsw.Connection, invitation_id: int, job_kind: str, now: datetime) -> None:
    """Remove what identifies the candidate or what they said; keep the bare facts (dates, scores, ratings) the
    team's process figures are made from."""
    recording_ids = media(con, invitation_id)[0]
    con.executemany(
        "DELETE FROM jobs WHERE kind = ? AND subject_id = ?", [(job_kind, r) for r in recording_ids]
    )
    con.execute("DELETE FROM answers WHERE invitation_id = ?", (invitation_id,))  # takes, recordings, uploads
    con.execute(
        "DELETE FROM review_comments WHERE review_id IN (SELECT id FROM reviews WHERE invitation_id = ?)",
        (invitation_id,),
    )
    con.execute("UPDATE reviews SET notes = '' WHERE invitation_id = ?", (invitation_id,))
    con.execute("UPDATE decisions SET feedback = '' WHERE invitation_id = ?", (invitation_id,))
    con.execute("UPDATE candidate_feedback SET comment = '' WHERE invitation_id = ?", (invitation_id,))
    for table in ("outbox", "invitation_links", "share_link_candidates"):
        con.execute(f"DELETE FROM {table} WHERE invitation_id = ?", (invitation_id,))
    con.execute(
        "UPDATE audit_log SET detail = '{}' WHERE subject_type = 'invitation' AND subject_id = ?",
        (invitation_id,),
    )
    con.execute(
        "UPDATE invitations SET accommodation_note = '', erased_at = ? WHERE id = ?",
        (to_db(now), invitation_id),
    )
    # The person goes once none of their invitations needs them any more.
    con.execute(
        "UPDATE candidates SET name = 'Erased candidate', email = NULL, phone = '', erased_at = ? "
        "WHERE id = (SELECT candidate_id FROM invitations WHERE id = ?) AND NOT EXISTS (SELECT 1 FROM invitations "
        "WHERE candidate_id = candidates.id AND erased_at IS NULL)",
        (to_db(now), invitation_id),
    )
