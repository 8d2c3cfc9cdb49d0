"""SQL for the operator's live view: uploads arriving now, bytes per minute, recent failures, the last backup."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import to_db
from boxinterview.store._sql import row, rows


def active_uploads(con: apsw.Connection, since: datetime, limit: int) -> list[dict[str, Any]]:
    """Uploads still arriving that moved since `since`, newest activity first, with who and which question; each
    row also says how many there are in all (`total`), beyond the limit. A finished or withdrawn interview's are
    left out: a take it never submitted may stay unfinished until the upload expires, and nobody waits for it."""
    return rows(
        con,
        "SELECT u.id, u.received, u.length, u.updated_at, u.created_at, t.number AS take, q.position AS question, "
        "i.id AS invitation_id, i.number, c.name, v.title AS interview, v.blind_review, count(*) OVER () AS total "
        "FROM uploads u JOIN recordings r ON r.id = u.recording_id JOIN takes t ON t.id = r.take_id "
        "JOIN answers a ON a.id = t.answer_id JOIN questions q ON q.id = a.question_id "
        "JOIN invitations i ON i.id = a.invitation_id JOIN candidates c ON c.id = i.candidate_id "
        "JOIN interviews v ON v.id = i.interview_id "
        "WHERE u.completed_at IS NULL AND u.ended_at IS NULL AND u.updated_at >= ? "
        "AND i.status NOT IN ('completed', 'withdrawn') "
        "ORDER BY u.updated_at DESC LIMIT ?",
        (to_db(since), limit),
    )


def candidates_in_interview(con: apsw.Connection, since: datetime) -> int:
    """Candidates who started and did anything (an upload byte, an answer) since `since`."""
    found = row(
        con,
        "SELECT count(DISTINCT a.invitation_id) AS n FROM answers a JOIN invitations i ON i.id = a.invitation_id "
        "WHERE i.status = 'started' AND (a.started_at >= ? OR a.submitted_at >= ? OR EXISTS (SELECT 1 FROM takes t "
        "JOIN recordings r ON r.take_id = t.id JOIN uploads u ON u.recording_id = r.id WHERE t.answer_id = a.id "
        "AND u.updated_at >= ?))",
        (to_db(since), to_db(since), to_db(since)),
    )
    return found["n"] if found else 0


def traffic(con: apsw.Connection, first_minute: int) -> dict[int, int]:
    return {
        r["minute"]: r["bytes"]
        for r in rows(con, "SELECT minute, bytes FROM upload_traffic WHERE minute >= ?", (first_minute,))
    }


def open_jobs(con: apsw.Connection, failed_since: datetime, limit: int) -> list[dict[str, Any]]:
    """Running, then queued, then recently failed jobs (which the operator may retry)."""
    return rows(
        con,
        "SELECT id, subject_id, state, attempts, max_attempts, progress, last_error, lease_owner FROM jobs "
        "WHERE state IN ('queued', 'running') OR (state = 'failed' AND updated_at >= ?) "
        "ORDER BY CASE state WHEN 'running' THEN 0 WHEN 'queued' THEN 1 ELSE 2 END, run_after LIMIT ?",
        (to_db(failed_since), limit),
    )


def recent_errors(con: apsw.Connection, limit: int) -> list[dict[str, Any]]:
    """Failed jobs, refused messages and unusable recordings, newest first."""
    return rows(
        con,
        "SELECT at, what, detail, ref FROM ("
        " SELECT updated_at AS at, 'processing' AS what, last_error AS detail, id AS ref FROM jobs"
        "  WHERE state = 'failed'"
        " UNION ALL SELECT coalesce(next_attempt_at, created_at), 'e-mail', recipient || ': ' || last_error, id"
        "  FROM outbox WHERE state = 'failed'"
        " UNION ALL SELECT updated_at, 'recording', reason, id FROM recordings WHERE state = 'rejected'"
        ") ORDER BY at DESC LIMIT ?",
        (limit,),
    )


def last_backup_event(con: apsw.Connection) -> dict[str, Any] | None:
    return row(
        con,
        "SELECT at, action, detail FROM audit_log WHERE action IN ('backup.made', 'backup.failed') "
        "ORDER BY id DESC LIMIT 1",
    )


def traffic_since(con: apsw.Connection, first_minute: int) -> int:
    found = row(
        con, "SELECT coalesce(sum(bytes), 0) AS n FROM upload_traffic WHERE minute >= ?", (first_minute,)
    )
    return found["n"] if found else 0
