"""SQL for resumable uploads: how many bytes of each are safely on disk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.store._sql import row, rows


@dataclass(frozen=True)
class UploadRow:
    id: str
    recording_id: int
    length: int | None
    received: int
    metadata: str  # the client's Upload-Metadata without the token
    file_type: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    completed_at: datetime | None
    ended_at: datetime | None
    end_reason: str
    invitation_id: int
    # From the recording and its take, for the checks made on every request.
    question_id: int
    take_number: int


_SELECT = """
    SELECT u.*, a.question_id, t.number AS take_number
    FROM uploads u
    JOIN recordings r ON r.id = u.recording_id
    JOIN takes t ON t.id = r.take_id
    JOIN answers a ON a.id = t.answer_id
"""


def _upload(r: dict[str, Any]) -> UploadRow:
    return UploadRow(
        id=r["id"],
        recording_id=r["recording_id"],
        length=r["length"],
        received=r["received"],
        metadata=r["metadata"],
        file_type=r["file_type"],
        created_at=from_db(r["created_at"]),
        updated_at=from_db(r["updated_at"]),
        expires_at=from_db(r["expires_at"]),
        completed_at=from_db(r["completed_at"]),
        ended_at=from_db(r["ended_at"]),
        end_reason=r["end_reason"],
        invitation_id=r["invitation_id"],
        question_id=r["question_id"],
        take_number=r["take_number"],
    )


def insert(
    con: apsw.Connection,
    *,
    upload_id: str,
    recording_id: int,
    invitation_id: int,
    length: int | None,
    metadata: str,
    file_type: str,
    expires_at: datetime,
    now: datetime,
) -> None:
    con.execute(
        "INSERT INTO uploads (id, recording_id, invitation_id, length, metadata, file_type, created_at, updated_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            upload_id,
            recording_id,
            invitation_id,
            length,
            metadata,
            file_type,
            to_db(now),
            to_db(now),
            to_db(expires_at),
        ),
    )


def get(con: apsw.Connection, upload_id: str) -> UploadRow | None:
    r = row(con, _SELECT + " WHERE u.id = ?", (upload_id,))
    return _upload(r) if r else None


def by_recording(con: apsw.Connection, recording_id: int) -> UploadRow | None:
    r = row(con, _SELECT + " WHERE u.recording_id = ?", (recording_id,))
    return _upload(r) if r else None


def advance(
    con: apsw.Connection,
    upload_id: str,
    expected: int,
    received: int,
    length: int | None,
    expires_at: datetime,
    now: datetime,
) -> bool:
    """Record that bytes up to `received` are on disk, if nobody else moved the offset meanwhile."""
    con.execute(
        "UPDATE uploads SET received = ?, length = coalesce(length, ?), expires_at = ?, updated_at = ? "
        "WHERE id = ? AND received = ? AND ended_at IS NULL AND completed_at IS NULL",
        (received, length, to_db(expires_at), to_db(now), upload_id, expected),
    )
    if con.changes() != 1:
        return False
    if received > expected:
        con.execute(
            "INSERT INTO upload_traffic (minute, bytes) VALUES (?, ?) "
            "ON CONFLICT (minute) DO UPDATE SET bytes = bytes + excluded.bytes",
            (int(now.timestamp() // 60), received - expected),
        )
    return True


def mark_completed(con: apsw.Connection, upload_id: str, now: datetime) -> None:
    con.execute(
        "UPDATE uploads SET completed_at = ?, updated_at = ? WHERE id = ?",
        (to_db(now), to_db(now), upload_id),
    )


def mark_ended(con: apsw.Connection, upload_id: str, reason: str, now: datetime) -> None:
    con.execute(
        "UPDATE uploads SET ended_at = ?, end_reason = ?, updated_at = ? WHERE id = ? AND ended_at IS NULL",
        (to_db(now), reason, to_db(now), upload_id),
    )


def expired(con: apsw.Connection, now: datetime, limit: int = 100) -> list[UploadRow]:
    return [
        _upload(r)
        for r in rows(
            con,
            _SELECT + " WHERE u.completed_at IS NULL AND u.ended_at IS NULL AND u.expires_at <= ? "
            "ORDER BY u.expires_at LIMIT ?",
            (to_db(now), limit),
        )
    ]


def in_progress(con: apsw.Connection) -> list[UploadRow]:
    return [
        _upload(r)
        for r in rows(
            con, _SELECT + " WHERE u.completed_at IS NULL AND u.ended_at IS NULL ORDER BY u.created_at"
        )
    ]


def note_resume(con: apsw.Connection, upload_id: str) -> None:
    con.execute("UPDATE uploads SET resumes = resumes + 1 WHERE id = ?", (upload_id,))
