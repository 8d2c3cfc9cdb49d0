"""Turning an uploaded recording into something every reviewer can play: the server's side of it.

The media work itself (check, transcode, verify, poster, loudness) is `playable.make`, a function of files. Here
is what needs the database: what the recording must be (the question, the candidate's extra time), the
recording's lifecycle, and accepting what a remote runner made from it, checked by this server before it counts.

A recording that is not usable is *rejected* with a reason written for the candidate, who can then record
another take. A failure on our side raises, and the job is retried.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import apsw

from boxinterview import clock, files
from boxinterview.config.settings import Settings
from boxinterview.domain import recordings
from boxinterview.domain.models import SILENT_LUFS, Recording, RecordingState
from boxinterview.media import MediaError, PlaybackOptions, probe
from boxinterview.pipeline import playable
from boxinterview.pipeline.playable import Expectation, Made, Rejected, as_played, checked, make, mismatches
from boxinterview.store import Database
from boxinterview.store import answers as answers_sql
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import uploads as uploads_sql

log = logging.getLogger(__name__)


def playback_options(settings: Settings) -> PlaybackOptions:
    m = settings.media
    return PlaybackOptions(
        ffmpeg=m.ffmpeg,
        threads=m.ffmpeg_threads,
        max_height=m.max_height,
        preset=m.x264_preset,
        crf=m.x264_crf,
        audio_bitrate_kbps=m.audio_bitrate_kbps,
        loudness_lufs=m.loudness_lufs,
    )


def expectation(db: Database, recording_id: int, tolerance: float) -> Expectation:
    def read(con: apsw.Connection) -> Expectation:
        # Each row below is referenced by the one before, so the database keeps it while the recording exists.
        rec = answers_sql.get_recording(con, recording_id)
        assert rec is not None
        take = answers_sql.get_take(con, rec.take_id)
        assert take is not None
        answer = next(a for a in answers_sql.answers_of_take(con, take.id))
        invitation = candidates_sql.get_invitation(con, answer.invitation_id)
        assert invitation is not None
        interview = interviews_sql.get(con, invitation.interview_id)
        assert interview is not None
        question = next(q for q in interview.questions if q.id == answer.question_id)
        return Expectation(
            question.kind,
            question.answer_seconds * invitation.time_multiplier + tolerance,
            interview.allow_audio_only,
        )

    return db.read(read)


def begin(db: Database, settings: Settings, recording_id: int) -> Recording:
    """Bring a recording to processing, with its original where it belongs; as it is when already finished."""
    rec = recordings.get(db, recording_id)
    if rec.state in (RecordingState.READY, RecordingState.REJECTED):
        return rec  # done already (a retried job after a crash at the very end)
    if rec.state is not RecordingState.PROCESSING:
        rec = db.write(recordings.start_processing, recording_id, clock.now())
    upload = db.read(uploads_sql.by_recording, recording_id)
    if upload is not None:  # finish a move the upload's last request may not have completed (a crash)
        files.finish_move(files.upload_part(settings.data_dir, upload.id), Path(rec.original_path or ""))
    return rec


async def process(
    db: Database, settings: Settings, recording_id: int, progress: Callable[[float], None] | None = None
) -> RecordingState:
    """Process one recording here to ready or rejected; raise on failures worth retrying."""
    rec = begin(db, settings, recording_id)
    if rec.state is not RecordingState.PROCESSING:
        return rec.state
    original = Path(rec.original_path or "")
    expected = expectation(db, recording_id, settings.media.duration_tolerance_seconds)
    try:
        made = await make(
            original,
            original.parent,
            expected,
            playback_options(settings),
            settings.media.ffprobe,
            progress,
            live_results=True,
        )
    except Rejected as why:
        return reject(db, recording_id, str(why))
    return mark_ready(db, recording_id, made)


async def preview(db: Database, settings: Settings, recording_id: int) -> Path | None:
    """Make the recording's preview (`playable.preview`) if it can have one, and say reviewers may watch it until
    its playback file is ready. Cheap (a probe and a copy), and nothing depends on it: any failure leaves the
    recording as it was."""
    rec = recordings.get(db, recording_id)
    if rec.state not in (RecordingState.UPLOADED, RecordingState.PROCESSING) or rec.preview_path:
        return None
    original = Path(rec.original_path or "")
    if not rec.original_path or not original.is_file():
        return None
    expected = expectation(db, recording_id, settings.media.duration_tolerance_seconds)
    made = await playable.preview(
        original, original.parent, expected, playback_options(settings), settings.media.ffprobe
    )
    if made is None:
        return None
    if not db.write(recordings.mark_previewable, recording_id, str(made), clock.now()):
        files.remove(made)  # the playback file was made meanwhile
        return None
    log.info("recording %s: preview ready", recording_id)
    return made


def drop_preview(rec: Recording) -> None:
    """Remove the preview file of a recording that has moved on (ready, rejected); the store forgot it already."""
    if rec.original_path:
        files.remove(Path(rec.original_path).parent / playable.PREVIEW)


def drop_failed_previews(db: Database, since: datetime) -> int:
    """Remove the previews of recordings that failed since `since` (a job's last attempt fails in several places:
    here, on a runner, when a lease runs out); how many there were."""
    dropped = 0
    for rec in db.read(answers_sql.failed_since, since):
        if rec.original_path and (Path(rec.original_path).parent / playable.PREVIEW).exists():
            drop_preview(rec)
            dropped += 1
    return dropped


def reject(db: Database, recording_id: int, why: str) -> RecordingState:
    log.info("recording %s rejected: %s", recording_id, why)
    drop_preview(db.write(recordings.reject, recording_id, why, clock.now()))
    return RecordingState.REJECTED


def mark_ready(
    db: Database, recording_id: int, made: Made, con: apsw.Connection | None = None
) -> RecordingState:
    """Record what the media work made (in `con`'s transaction when given, else in one of its own)."""
    if made.loudness_lufs is not None and made.loudness_lufs <= SILENT_LUFS:
        log.info("recording %s: nothing can be heard (%.1f LUFS)", recording_id, made.loudness_lufs)

    def tx(c: apsw.Connection) -> Recording:
        return recordings.mark_ready(
            c,
            recording_id,
            playback_path=str(made.playback),
            poster_path=str(made.poster),
            duration_ms=round(made.played.duration_s * 1000),
            loudness_lufs=made.loudness_lufs,
            now=clock.now(),
        )

    if con is not None:
        tx(con)  # the caller removes the preview once its transaction is committed
    else:
        drop_preview(db.write(tx))
    return RecordingState.READY


async def check_made(
    settings: Settings,
    rec: Recording,
    expected: Expectation,
    playback: Path,
    poster: Path,
    level: float | None,
) -> Made:
    """What a remote runner made from `rec`, checked here as the local worker checks its own: the recording
    itself (so a runner cannot pass an answer this server would reject), the playback file against it (the
    whole recording, sound and picture each as long), and the poster as a picture. Raises Rejected when the
    recording is not usable, MediaError when what was made does not match it (the job is then tried again)."""
    original = Path(rec.original_path or "")
    info = await checked(original, expected, settings.media.ffprobe)
    source = as_played(info, expected)
    try:
        played = await probe(playback, settings.media.ffprobe)
    except MediaError as exc:
        raise MediaError("the playback file is not a video or sound file ffprobe can read") from exc
    problems = mismatches(played, source, playback_options(settings))
    if source.video is None and played.video is not None:
        problems.append("it has a picture, but this answer is played as sound only")
    if problems:
        raise MediaError("the playback file does not match its recording: " + "; ".join(problems))
    try:
        still = await probe(poster, settings.media.ffprobe)
    except MediaError as exc:
        raise MediaError("the poster is not a picture ffprobe can read") from exc
    if still.video is None or ("image2" not in still.format_name and "jpeg" not in still.format_name):
        raise MediaError(f"the poster is not a JPEG picture (it is {still.format_name})")
    if level is not None and not -120.0 <= level <= 10.0:
        raise MediaError(f"the loudness {level} LUFS cannot be measured from a recording")
    return Made(playback, poster, played, level)


def place(made: Made, folder: Path) -> Made:
    """Move a runner's checked files to where the recording's files live (and drop a live transcode's result
    this server made meanwhile, which is not needed now)."""
    playback = folder / ("playback.mp4" if made.played.video is not None else "playback.m4a")
    poster = folder / "poster.jpg"
    os.replace(made.playback, playback)
    os.replace(made.poster, poster)
    for live in folder.glob("live-playback.*"):
        files.remove(live)
    files.fsync_dir(folder)
    return Made(playback, poster, made.played, made.loudness_lufs)
