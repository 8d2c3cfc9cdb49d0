"""A recording's lifecycle, in one place: uploading → uploaded → processing → ready | rejected | failed.

While uploaded or processing it may have a preview (`mark_previewable`); leaving for ready, rejected or failed
forgets it.

Each function moves one recording one step, inside the caller's transaction, through `lifecycle.advance`, so no
status string is written anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import apsw

from boxinterview.domain import lifecycle, webhooks
from boxinterview.domain.models import Recording, RecordingState
from boxinterview.errors import Conflict, NotFound
from boxinterview.store import Database
from boxinterview.store import answers as sql
from boxinterview.store import audit as audit_sql

PROCESS_JOB = "process_recording"
# What a candidate reads when processing failed on our side; what went wrong goes to the job and the operator.
FAILED_ON_OUR_SIDE = (
    "something went wrong on our side while preparing this recording, and the hiring team has been told: "
    "record this answer again"
)


def spares_a_take(recording: Recording | None) -> bool:
    """A take whose recording could not be used through no choice of the candidate's (processing refused it, or
    failed on our side) does not use up one of their takes. A cancelled upload was their choice, and does."""
    if recording is None:
        return False
    return recording.state is RecordingState.REJECTED or (
        recording.state is RecordingState.FAILED and recording.reason == FAILED_ON_OUR_SIDE
    )


def _move(
    con: apsw.Connection, recording_id: int, target: RecordingState, now: datetime, **fields: Any
) -> Recording:
    current = sql.get_recording(con, recording_id)
    if current is None:
        raise NotFound(f"no recording with id {recording_id}")
    lifecycle.advance("recording", current.state, target)
    if target in (RecordingState.READY, RecordingState.REJECTED, RecordingState.FAILED):
        fields["preview_path"] = None  # the preview was for the wait; its file is removed by its maker
    if not sql.set_recording_state(con, recording_id, current.state, target, now, **fields):
        raise Conflict(f"recording {recording_id} changed while it was being updated; try again")
    found = sql.get_recording(con, recording_id)
    assert found is not None
    return found


def start_upload(con: apsw.Connection, take_id: int, mime_type: str, now: datetime) -> int:
    return sql.insert_recording(con, take_id, mime_type, now)


def mark_uploaded(
    con: apsw.Connection, recording_id: int, original_path: str, size: int, now: datetime
) -> Recording:
    return _move(
        con, recording_id, RecordingState.UPLOADED, now, original_path=original_path, size_bytes=size
    )


def mark_previewable(con: apsw.Connection, recording_id: int, preview_path: str, now: datetime) -> bool:
    """The recording's preview exists: reviewers whose browsers play it may watch it until the playback file is
    ready. False (and nothing written) when the recording has moved on meanwhile."""
    return sql.set_preview(con, recording_id, preview_path, now)


def start_processing(con: apsw.Connection, recording_id: int, now: datetime) -> Recording:
    return _move(con, recording_id, RecordingState.PROCESSING, now, reason="")


def mark_ready(
    con: apsw.Connection,
    recording_id: int,
    *,
    playback_path: str,
    poster_path: str | None,
    duration_ms: int,
    loudness_lufs: float | None = None,
    now: datetime,
) -> Recording:
    return _move(
        con,
        recording_id,
        RecordingState.READY,
        now,
        playback_path=playback_path,
        poster_path=poster_path,
        duration_ms=duration_ms,
        loudness_lufs=loudness_lufs,
    )


def reject(con: apsw.Connection, recording_id: int, reason: str, now: datetime) -> Recording:
    """The recording cannot be used; `reason` is written for the candidate, who can record another take."""
    recording = _move(con, recording_id, RecordingState.REJECTED, now, reason=reason)
    audit_sql.record(
        con,
        actor="worker",
        action="recording.rejected",
        subject_type="recording",
        subject_id=recording_id,
        detail={"reason": reason},
        now=now,
    )
    return recording


def fail(con: apsw.Connection, recording_id: int, reason: str, now: datetime) -> Recording:
    """Something on our side went wrong (or the upload was abandoned); the operator can retry processing."""
    failed = _move(con, recording_id, RecordingState.FAILED, now, reason=reason)
    webhooks.recording_failed(con, recording_id, now)
    return failed


def fail_if_unfinished(con: apsw.Connection, recording_id: int, reason: str, now: datetime) -> None:
    current = sql.get_recording(con, recording_id)
    if current is not None and current.state in (RecordingState.UPLOADED, RecordingState.PROCESSING):
        fail(con, recording_id, reason, now)


def retry_processing(con: apsw.Connection, recording_id: int, now: datetime) -> None:
    """An operator retries a failed recording: back to processing, the worker picks it up."""
    current = sql.get_recording(con, recording_id)
    if current is not None and current.state is RecordingState.FAILED and current.original_path:
        start_processing(con, recording_id, now)


def get(db: Database, recording_id: int) -> Recording:
    found = db.read(sql.get_recording, recording_id)
    if found is None:
        raise NotFound(f"no recording with id {recording_id}")
    return found


@dataclass(frozen=True)
class RecordingListing:
    id: int
    invitation_id: int
    interview_id: int
    question_id: int
    take: int
    state: str
    reason: str
    duration_ms: int | None
    loudness_lufs: float | None
    size_bytes: int
    mime_type: str
    original_path: str | None
    playback_path: str | None
    poster_path: str | None
    created_at: str
    updated_at: str


def listing(db: Database, state: str | None = None) -> list[RecordingListing]:
    return [RecordingListing(**r) for r in db.read(sql.recording_listing, state)]
