"""SQL for what the team is told: newly completed interviews and overdue reviews, per reviewer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import rows, value

_CANDIDATE = """
    SELECT v.id AS invitation_id, v.number, v.completed_at, i.title, i.blind_review, i.review_target_days, c.name
    FROM assignments a JOIN interviews i ON i.id = a.interview_id
    JOIN invitations v ON v.interview_id = i.id AND v.status = 'completed'
    JOIN candidates c ON c.id = v.candidate_id
    WHERE a.account_id = :reviewer
      AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.invitation_id = v.id)
"""


def reviewers(con: apsw.Connection) -> list[dict[str, Any]]:
    return rows(
        con,
        "SELECT DISTINCT ac.id, ac.email, ac.name FROM accounts ac JOIN assignments a ON a.account_id = ac.id "
        "WHERE ac.disabled_at IS NULL ORDER BY ac.id",
    )


def completed_since(con: apsw.Connection, reviewer_id: int, since: datetime) -> list[dict[str, Any]]:
    return rows(
        con,
        _CANDIDATE + " AND v.completed_at >= :since ORDER BY v.completed_at",
        {"reviewer": reviewer_id, "since": to_db(since)},
    )


def overdue(con: apsw.Connection, reviewer_id: int, now: datetime) -> list[dict[str, Any]]:
    """Completed candidates past their interview's review target whom this reviewer has not reviewed at all."""
    return rows(
        con,
        _CANDIDATE
        + """
          AND julianday(:now) - julianday(v.completed_at) > i.review_target_days
          AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.invitation_id = v.id AND r.reviewer_id = :reviewer
                          AND r.submitted_at IS NOT NULL)
        ORDER BY v.completed_at
        """,
        {"reviewer": reviewer_id, "now": to_db(now)},
    )


def already_queued(con: apsw.Connection, kind: str, recipient: str) -> bool:
    return bool(
        value(con, "SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = ? AND recipient = ?)", (kind, recipient))
    )
