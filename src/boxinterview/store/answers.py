"""SQL for answers, the takes of a recorded answer, and recordings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apsw

from boxinterview.clock import from_db, to_db
from boxinterview.domain.models import Answer, Recording, RecordingState, Take
from boxinterview.store import _paths
from boxinterview.store._sql import row, rows, value


def _answer(con: apsw.Connection, r: dict[str, Any]) -> Answer:
    return Answer(
        id=r["id"],
        invitation_id=r["invitation_id"],
        question_id=r["question_id"],
        started_at=from_db(r["started_at"]),
        submitted_at=from_db(r["submitted_at"]),
        text_value=r["text_value"],
        choice_position=r["choice_position"],
        file_path=_paths.full(con, r["file_path"]),
        file_name=r["file_name"],
        file_type=r["file_type"],
        over_time_seconds=r["over_time_seconds"],
    )


def _take(r: dict[str, Any]) -> Take:
    return Take(
        id=r["id"],
        answer_id=r["answer_id"],
        number=r["number"],
        submitted=bool(r["submitted"]),
        created_at=from_db(r["created_at"]),
    )


def _recording(con: apsw.Connection, r: dict[str, Any]) -> Recording:
    return Recording(
        id=r["id"],
        take_id=r["take_id"],
        state=RecordingState(r["state"]),
        mime_type=r["mime_type"],
        size_bytes=r["size_bytes"],
        duration_ms=r["duration_ms"],
        original_path=_paths.full(con, r["original_path"]),
        playback_path=_paths.full(con, r["playback_path"]),
        poster_path=_paths.full(con, r["poster_path"]),
        reason=r["reason"],
        loudness_lufs=r["loudness_lufs"],
        preview_path=_paths.full(con, r["preview_path"]),
        created_at=from_db(r["created_at"]),
        updated_at=from_db(r["updated_at"]),
    )


def get_answer(con: apsw.Connection, invitation_id: int, question_id: int) -> Answer | None:
    r = row(
        con, "SELECT * FROM answers WHERE invitation_id = ? AND question_id = ?", (invitation_id, question_id)
    )
    return _answer(con, r) if r else None


def answers_of(con: apsw.Connection, invitation_id: int) -> list[Answer]:
    return [
        _answer(con, r) for r in rows(con, "SELECT * FROM answers WHERE invitation_id = ?", (invitation_id,))
    ]


def insert_answer(con: apsw.Connection, invitation_id: int, question_id: int, now: datetime) -> int:
    con.execute(
        "INSERT INTO answers (invitation_id, question_id, started_at) VALUES (?, ?, ?)",
        (invitation_id, question_id, to_db(now)),
    )
    return con.last_insert_rowid()


def submit_answer(
    con: apsw.Connection,
    answer_id: int,
    now: datetime,
    *,
    text_value: str | None = None,
    choice_position: int | None = None,
    file_path: str | None = None,
    file_name: str | None = None,
    file_type: str | None = None,
) -> None:
    con.execute(
        "UPDATE answers SET submitted_at = ?, text_value = ?, choice_position = ?, file_path = ?, file_name = ?, "
        "file_type = ? WHERE id = ?",
        (
            to_db(now),
            text_value,
            choice_position,
            _paths.stored(con, file_path),
            file_name,
            file_type,
            answer_id,
        ),
    )


def set_over_time(con: apsw.Connection, answer_id: int, seconds: int) -> None:
    con.execute("UPDATE answers SET over_time_seconds = ? WHERE id = ?", (seconds, answer_id))


def open_question(con: apsw.Connection, invitation_id: int, question_id: int, now: datetime) -> datetime:
    """When the question's time began for this candidate: now, the first time it is asked."""
    con.execute(
        "INSERT INTO question_openings (invitation_id, question_id, opened_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (invitation_id, question_id, to_db(now)),
    )
    began: str = value(
        con,
        "SELECT opened_at FROM question_openings WHERE invitation_id = ? AND question_id = ?",
        (invitation_id, question_id),
    )
    return from_db(began)


def openings(con: apsw.Connection, invitation_id: int) -> dict[int, datetime]:
    """When each question's time began for this candidate, by question id (those begun)."""
    return {
        r["question_id"]: from_db(r["opened_at"])
        for r in rows(
            con,
            "SELECT question_id, opened_at FROM question_openings WHERE invitation_id = ?",
            (invitation_id,),
        )
    }


def answers_of_take(con: apsw.Connection, take_id: int) -> list[Answer]:
    return [
        _answer(con, r)
        for r in rows(
            con, "SELECT a.* FROM answers a JOIN takes t ON t.answer_id = a.id WHERE t.id = ?", (take_id,)
        )
    ]


def takes_of(con: apsw.Connection, answer_id: int) -> list[Take]:
    return [
        _take(r) for r in rows(con, "SELECT * FROM takes WHERE answer_id = ? ORDER BY number", (answer_id,))
    ]


def get_take(con: apsw.Connection, take_id: int) -> Take | None:
    r = row(con, "SELECT * FROM takes WHERE id = ?", (take_id,))
    return _take(r) if r else None


def insert_take(con: apsw.Connection, answer_id: int, now: datetime, number: int | None = None) -> Take:
    if number is None:
        number = (value(con, "SELECT max(number) FROM takes WHERE answer_id = ?", (answer_id,)) or 0) + 1
    con.execute(
        "INSERT INTO takes (answer_id, number, created_at) VALUES (?, ?, ?)", (answer_id, number, to_db(now))
    )
    return Take(
        id=con.last_insert_rowid(), answer_id=answer_id, number=number, submitted=False, created_at=now
    )


def mark_take_submitted(con: apsw.Connection, answer_id: int, take_id: int) -> None:
    con.execute("UPDATE takes SET submitted = 0 WHERE answer_id = ? AND submitted = 1", (answer_id,))
    con.execute("UPDATE takes SET submitted = 1 WHERE id = ? AND answer_id = ?", (take_id, answer_id))


def insert_recording(con: apsw.Connection, take_id: int, mime_type: str, now: datetime) -> int:
    con.execute(
        "INSERT INTO recordings (take_id, mime_type, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (take_id, mime_type, to_db(now), to_db(now)),
    )
    return con.last_insert_rowid()


def recording_of_take(con: apsw.Connection, take_id: int) -> Recording | None:
    r = row(con, "SELECT * FROM recordings WHERE take_id = ?", (take_id,))
    return _recording(con, r) if r else None


def submitted_recordings(con: apsw.Connection, invitation_id: int) -> dict[int, Recording]:
    """question id -> the recording of the take the candidate submitted, for every recorded answer that has one."""
    found = rows(
        con,
        "SELECT a.question_id AS answered, r.* FROM answers a JOIN takes t ON t.answer_id = a.id AND t.submitted = 1 "
        "JOIN recordings r ON r.take_id = t.id WHERE a.invitation_id = ?",
        (invitation_id,),
    )
    return {r["answered"]: _recording(con, r) for r in found}


def get_recording(con: apsw.Connection, recording_id: int) -> Recording | None:
    r = row(con, "SELECT * FROM recordings WHERE id = ?", (recording_id,))
    return _recording(con, r) if r else None


_RECORDING_FIELDS = frozenset(
    {
        "original_path",
        "playback_path",
        "poster_path",
        "mime_type",
        "size_bytes",
        "duration_ms",
        "reason",
        "loudness_lufs",
        "preview_path",
    }
)


_PATH_FIELDS = frozenset({"original_path", "playback_path", "poster_path", "preview_path"})


def set_recording_state(
    con: apsw.Connection,
    recording_id: int,
    expected: RecordingState,
    new: RecordingState,
    now: datetime,
    **fields: Any,
) -> bool:
    unknown = set(fields) - _RECORDING_FIELDS
    if unknown:
        raise ValueError(f"not recording fields: {sorted(unknown)}")
    for name in _PATH_FIELDS & set(fields):
        fields[name] = _paths.stored(con, fields[name])
    sets = ", ".join(["state = ?", "updated_at = ?", *(f"{k} = ?" for k in fields)])
    con.execute(
        f"UPDATE recordings SET {sets} WHERE id = ? AND state = ?",
        (new.value, to_db(now), *fields.values(), recording_id, expected.value),
    )
    return con.changes() == 1


def set_preview(con: apsw.Connection, recording_id: int, path: str, now: datetime) -> bool:
    """Name a recording's preview, only while its playback file is still to be made (its state and the time it
    took it are unchanged)."""
    con.execute(
        "UPDATE recordings SET preview_path = ?, previewed_at = ? WHERE id = ? AND state IN ('uploaded', 'processing')",
        (_paths.stored(con, path), to_db(now), recording_id),
    )
    return con.changes() == 1


def awaiting_preview(con: apsw.Connection, since: datetime) -> list[Recording]:
    """Recordings whose upload completed (or which changed state) since `since`, whose playback file is still to
    be made, and which have no preview yet. Any may get one (the file itself decides) but those the browser said
    are sound only, MP4 or QuickTime, or H.264, which never can."""
    found = rows(
        con,
        "SELECT * FROM recordings WHERE state IN ('uploaded', 'processing') AND preview_path IS NULL "
        "AND original_path IS NOT NULL AND mime_type NOT LIKE 'audio/%' AND mime_type NOT LIKE '%mp4%' "
        "AND mime_type NOT LIKE '%quicktime%' AND mime_type NOT LIKE '%avc1%' AND mime_type NOT LIKE '%h264%' "
        "AND updated_at >= ? ORDER BY id",
        (to_db(since),),
    )
    return [_recording(con, r) for r in found]


def failed_since(con: apsw.Connection, since: datetime) -> list[Recording]:
    """Recordings that failed (processing gave up on them) since `since`."""
    found = rows(
        con,
        "SELECT * FROM recordings WHERE state = 'failed' AND updated_at >= ? ORDER BY id",
        (to_db(since),),
    )
    return [_recording(con, r) for r in found]


def recording_listing(con: apsw.Connection, state: str | None = None) -> list[dict[str, Any]]:
    """Every recording with where it belongs, for operators and scripts."""
    found = rows(
        con,
        """
        SELECT r.id, a.invitation_id, i.interview_id, a.question_id, t.number AS take, r.state, r.reason,
               r.duration_ms, r.loudness_lufs, r.size_bytes, r.mime_type, r.original_path, r.playback_path, r.poster_path,
               r.created_at, r.updated_at
        FROM recordings r JOIN takes t ON t.id = r.take_id JOIN answers a ON a.id = t.answer_id
        JOIN invitations i ON i.id = a.invitation_id
        WHERE ?1 IS NULL OR r.state = ?1
        ORDER BY r.id
        """,
        (state,),
    )
    return [_with_full_paths(con, r) for r in found]


def _with_full_paths(con: apsw.Connection, r: dict[str, Any]) -> dict[str, Any]:
    return {k: _paths.full(con, v) if k in _PATH_FIELDS else v for k, v in r.items()}


def recording_owner(con: apsw.Connection, recording_id: int) -> dict[str, Any] | None:
    """Whose recording this is (invitation, interview, question), whether its take is the submitted one, how far
    the invitation has got, and where its files are."""
    found = row(
        con,
        """
        SELECT r.id, a.invitation_id, i.interview_id, a.question_id, t.submitted, i.status AS invitation_status,
               i.erased_at, r.state, r.playback_path, r.poster_path, r.preview_path
        FROM recordings r JOIN takes t ON t.id = r.take_id JOIN answers a ON a.id = t.answer_id
        JOIN invitations i ON i.id = a.invitation_id WHERE r.id = ?
        """,
        (recording_id,),
    )
    return None if found is None else _with_full_paths(con, found)
