"""The hiring team's videos on an interview: a welcome that candidates see with their invitation, and questions
asked as video. Reviewers of the interview (and admins) add, replace and remove them and their captions;
candidates holding an invitation to the interview watch the ones that are ready.

A video arrives as the team recorded or uploaded it (the original) and is processed by the job queue into a
playable MP4 (see `pipeline.interview_media`); until then candidates see the question as text only.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import apsw

from boxinterview import clock, files
from boxinterview.domain import captions, invitations, placement
from boxinterview.domain.models import Account, Interview
from boxinterview.domain.reviews import may_review
from boxinterview.errors import Conflict, Invalid, NotFound
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import interview_media as sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import jobs as jobs_sql
from boxinterview.store.interview_media import TeamMedia as TeamMedia  # the faces name it through here

MEDIA_JOB = "process_interview_media"
_NOT_FOUND = "there is no such interview, or you are not one of its reviewers"


@dataclass(frozen=True)
class Overview:
    interview: Interview
    media: list[TeamMedia]

    @property
    def welcome(self) -> TeamMedia | None:
        return next((m for m in self.media if m.kind == "welcome"), None)

    def of_question(self, question_id: int | None) -> TeamMedia | None:
        return next((m for m in self.media if m.question_id == question_id and m.kind == "question"), None)


def place_dir(data_dir: Path, interview_id: int, question_id: int | None) -> Path:
    """Where one place's video lives: in `files/`, so backups keep it beside the candidates' documents."""
    place = "welcome" if question_id is None else f"question-{question_id}"
    return data_dir / "files" / f"interview-{interview_id}" / place


def staging_path(data_dir: Path, interview_id: int, question_id: int | None) -> Path:
    """A fresh file for an upload to arrive in, beside where it will stay (so keeping it is a rename)."""
    folder = place_dir(data_dir, interview_id, question_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"incoming-{secrets.token_hex(6)}.tmp"


def _interview(con: apsw.Connection, account: Account, interview_id: int) -> Interview:
    interview = interviews_sql.get(con, interview_id)
    if interview is None or not may_review(con, account, interview_id):
        raise NotFound(_NOT_FOUND)
    return interview


def _check_place(con: apsw.Connection, interview: Interview, question_id: int | None) -> None:
    if question_id is None:
        return  # the welcome: not part of any question
    if question_id not in {q.id for q in interview.questions}:
        raise NotFound(f"the interview has no question {question_id}")
    _question_fixed(con, interview)


def _question_fixed(con: apsw.Connection, interview: Interview) -> None:
    """A question's video is part of the question, which every candidate must get the same way."""
    if interview.id is not None and interviews_sql.is_locked(con, interview.id):
        raise Conflict(
            "candidates have started this interview, so its questions, their videos included, cannot change "
            "(every candidate must get the same ones); make a new version (`boxinterview interview duplicate "
            f"{interview.id}`, or u in the console's Interviews) and put the video there"
        )


def overview(db: Database, account: Account, interview_id: int) -> Overview:
    def read(con: apsw.Connection) -> Overview:
        return Overview(_interview(con, account, interview_id), sql.of_interview(con, interview_id))

    return db.read(read)


def may_add(db: Database, account: Account, interview_id: int, question_id: int | None) -> None:
    """Raise unless this reviewer may put a video in this place (checked before a byte of it is read)."""

    def check(con: apsw.Connection) -> None:
        _check_place(con, _interview(con, account, interview_id), question_id)

    db.read(check)


def put(
    db: Database,
    account: Account,
    interview_id: int,
    question_id: int | None,
    staged: Path,
    name: str,
    extension: str,
    max_attempts: int = 5,
) -> int:
    """Keep an uploaded or recorded video (already in `staged`) in its place, replacing any there, and queue it
    for processing. Returns the video's id."""
    now = clock.now()
    original = staged.with_name(f"original-{secrets.token_hex(6)}{extension}")
    os.replace(staged, original)
    files.fsync_dir(original.parent)
    replaced: list[str] = []

    def tx(con: apsw.Connection) -> int:
        _check_place(con, _interview(con, account, interview_id), question_id)
        before = sql.at_place(con, interview_id, question_id)
        if before is not None:
            replaced.extend(p for p in (before.original_path, before.playback_path) if p)
            placement.forget_paths(con, replaced, now)  # the worker deletes them from the bucket
        media_id = sql.put(con, interview_id, question_id, str(original), name[:200], account.email, now)
        jobs_sql.enqueue(con, MEDIA_JOB, media_id, now, max_attempts)
        audit_sql.record(
            con,
            actor=account.email,
            action="interview_media.replace" if before else "interview_media.add",
            subject_type="interview",
            subject_id=interview_id,
            detail={"media": media_id, "question": question_id},
            now=now,
        )
        return media_id

    try:
        media_id = db.write(tx)
    except BaseException:
        files.remove(original)
        raise
    for path in replaced:
        files.remove(Path(path))
    return media_id


def _own(con: apsw.Connection, account: Account, media_id: int) -> TeamMedia:
    media = sql.get(con, media_id)
    if media is None:
        raise NotFound("there is no such video; it may have been removed")
    _interview(con, account, media.interview_id)
    return media


def set_captions(db: Database, account: Account, media_id: int, raw: str | bytes | None) -> int:
    """Add or replace a video's captions (checked WebVTT), or remove them with None. Returns the cue count."""
    text, cues = captions.parse(raw) if raw is not None else (None, [])
    now = clock.now()

    def tx(con: apsw.Connection) -> None:
        media = _own(con, account, media_id)
        sql.set_captions(con, media_id, text, now)
        audit_sql.record(
            con,
            actor=account.email,
            action="interview_media.captions" if text else "interview_media.captions_removed",
            subject_type="interview",
            subject_id=media.interview_id,
            detail={"media": media_id, "cues": len(cues)},
            now=now,
        )

    db.write(tx)
    return len(cues)


def remove(db: Database, account: Account, media_id: int) -> int:
    """Remove a video, its files and captions; returns its interview's id."""
    now = clock.now()

    def tx(con: apsw.Connection) -> TeamMedia:
        media = _own(con, account, media_id)
        if media.question_id is not None:
            _question_fixed(con, _interview(con, account, media.interview_id))
        sql.remove(con, media_id)
        placement.forget_under(con, Path(media.original_path).parent, now)
        placement.cancel_moves(con, [media_id], placement.MOVE_MEDIA_JOB)
        audit_sql.record(
            con,
            actor=account.email,
            action="interview_media.remove",
            subject_type="interview",
            subject_id=media.interview_id,
            detail={"media": media_id, "question": media.question_id},
            now=now,
        )
        return media

    media = db.write(tx)
    shutil.rmtree(Path(media.original_path).parent, ignore_errors=True)
    return media.interview_id


def team_file(db: Database, account: Account, media_id: int, what: str) -> Path | str:
    """For a reviewer: the playable video (`video`), or the captions' text (`captions`)."""
    return _file(db.read(_own, account, media_id), what, ready_only=False)


def candidate_file(db: Database, token: str, media_id: int, what: str) -> Path | str:
    """For a candidate: a ready video of the interview their invitation is for, or its captions; NotFound for any
    other (another interview's, a removed one), so a link says nothing about what else exists."""
    invitation = invitations.by_token(db, token)
    media = db.read(sql.get, media_id)
    if media is None or media.interview_id != invitation.interview_id:
        raise NotFound("there is no such video")
    return _file(media, what, ready_only=True)


def _file(media: TeamMedia, what: str, ready_only: bool) -> Path | str:
    if what == "captions":
        if not media.captions:
            raise NotFound("this video has no captions")
        return media.captions
    if what != "video":
        raise Invalid("ask for the video or its captions")
    if media.state == "ready" and media.playback_path:
        return Path(media.playback_path)
    if not ready_only and media.state == "processing":
        return Path(media.original_path)  # the team can check what they sent while it is prepared
    raise NotFound("this video is not ready to play")


def for_candidates(db: Database, interview_id: int) -> dict[int | None, TeamMedia]:
    """The interview's ready videos by place: None for the welcome, else the question's id."""
    return {
        m.question_id: m
        for m in db.read(sql.of_interview, interview_id)
        if m.state == "ready" and m.playback_path
    }


def get(db: Database, media_id: int) -> TeamMedia:
    found = db.read(sql.get, media_id)
    if found is None:
        raise NotFound(f"no interview video with id {media_id}")
    return found


def finish(
    db: Database,
    media: TeamMedia,
    state: str,
    *,
    playback_path: str | None = None,
    duration_ms: int | None = None,
    reason: str = "",
) -> bool:
    """Record how processing ended (ready, rejected with a reason, failed), unless the video changed meanwhile."""
    return db.write(
        finish_in, media, state, playback_path=playback_path, duration_ms=duration_ms, reason=reason
    )


def finish_in(
    con: apsw.Connection,
    media: TeamMedia,
    state: str,
    *,
    playback_path: str | None = None,
    duration_ms: int | None = None,
    reason: str = "",
) -> bool:
    """`finish`, inside the caller's transaction."""
    return sql.finish(
        con,
        media.id,
        media.original_path,
        state,
        clock.now(),
        playback_path=playback_path,
        duration_ms=duration_ms,
        reason=reason,
    )


def fail_in(con: apsw.Connection, media_id: int, reason: str, now: datetime) -> None:
    """Processing failed for good (inside the job queue's transaction): the team sees why, and may send the video
    again."""
    media = sql.get(con, media_id)
    if media is not None:
        why = f"it could not be processed on our side ({reason[:200]}); send it again or ask the operator"
        sql.finish(con, media_id, media.original_path, "failed", now, reason=why)


def retry_in(con: apsw.Connection, media_id: int, now: datetime) -> None:
    """An operator retries a failed job: the video goes back to processing."""
    sql.reprocess(con, media_id, now)
