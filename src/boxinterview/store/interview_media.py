"""SQL for the hiring team's videos on an interview: the welcome, and questions asked as video."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.store import _paths
from boxinterview.store._sql import row, rows


@dataclass(frozen=True)
class TeamMedia:
    id: int
    interview_id: int
    kind: str  # welcome | question
    question_id: int | None
    state: str  # processing | ready | rejected | failed
    reason: str
    original_path: str
    original_name: str
    playback_path: str | None
    duration_ms: int | None
    captions: str | None
    added_by: str
    added_at: datetime
    updated_at: datetime


def _media(con: apsw.Connection, r: dict[str, Any]) -> TeamMedia:
    return TeamMedia(
        **{k: r[k] for k in r if k not in ("added_at", "updated_at", "original_path", "playback_path")},
        original_path=_paths.full(con, r["original_path"]) or "",
        playback_path=_paths.full(con, r["playback_path"]),
        added_at=from_db(r["added_at"]),
        updated_at=from_db(r["updated_at"]),
    )


_COLUMNS = (
    "id, interview_id, kind, question_id, state, reason, original_path, original_name, playback_path, "
    "duration_ms, captions, added_by, added_at, updated_at"
)


def get(con: apsw.Connection, media_id: int) -> TeamMedia | None:
    found = row(con, f"SELECT {_COLUMNS} FROM interview_media WHERE id = ?", (media_id,))
    return _media(con, found) if found else None


def of_interview(con: apsw.Connection, interview_id: int) -> list[TeamMedia]:
    return [
        _media(con, r)
        for r in rows(
            con,
            f"SELECT {_COLUMNS} FROM interview_media WHERE interview_id = ? ORDER BY kind DESC, question_id",
            (interview_id,),
        )
    ]


def at_place(con: apsw.Connection, interview_id: int, question_id: int | None) -> TeamMedia | None:
    found = row(
        con,
        f"SELECT {_COLUMNS} FROM interview_media WHERE interview_id = ? AND coalesce(question_id, 0) = ?",
        (interview_id, question_id or 0),
    )
    return _media(con, found) if found else None


def put(
    con: apsw.Connection,
    interview_id: int,
    question_id: int | None,
    original_path: str,
    original_name: str,
    added_by: str,
    now: datetime,
) -> int:
    """A new video in its place, waiting to be processed; one already there is replaced (its captions kept)."""
    kind = "welcome" if question_id is None else "question"
    con.execute(
        "INSERT INTO interview_media (interview_id, kind, question_id, original_path, original_name, added_by, "
        "added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (interview_id, kind, coalesce(question_id, 0)) DO UPDATE SET state = 'processing', "
        "reason = '', original_path = excluded.original_path, original_name = excluded.original_name, "
        "playback_path = NULL, duration_ms = NULL, added_by = excluded.added_by, added_at = excluded.added_at, "
        "updated_at = excluded.updated_at",
        (
            interview_id,
            kind,
            question_id,
            _paths.stored(con, original_path),
            original_name,
            added_by,
            to_db(now),
            to_db(now),
        ),
    )
    found = at_place(con, interview_id, question_id)
    assert found is not None
    return found.id


def finish(
    con: apsw.Connection,
    media_id: int,
    original_path: str,
    state: str,
    now: datetime,
    *,
    playback_path: str | None = None,
    duration_ms: int | None = None,
    reason: str = "",
) -> bool:
    """Processing ended for this original; False when the video was replaced or removed meanwhile."""
    con.execute(
        "UPDATE interview_media SET state = ?, playback_path = ?, duration_ms = ?, reason = ?, updated_at = ? "
        "WHERE id = ? AND original_path = ? AND state = 'processing'",
        (
            state,
            _paths.stored(con, playback_path),
            duration_ms,
            reason,
            to_db(now),
            media_id,
            _paths.stored(con, original_path),
        ),
    )
    return con.changes() == 1


def reprocess(con: apsw.Connection, media_id: int, now: datetime) -> None:
    con.execute(
        "UPDATE interview_media SET state = 'processing', reason = '', updated_at = ? WHERE id = ? AND state = 'failed'",
        (to_db(now), media_id),
    )


def set_captions(con: apsw.Connection, media_id: int, captions: str | None, now: datetime) -> None:
    con.execute(
        "UPDATE interview_media SET captions = ?, updated_at = ? WHERE id = ?",
        (captions, to_db(now), media_id),
    )


def remove(con: apsw.Connection, media_id: int) -> None:
    con.execute("DELETE FROM interview_media WHERE id = ?", (media_id,))
