"""Turning an uploaded recording into something every reviewer can play: validate, transcode, poster, verify.

A recording that is not usable (no sound, too long, not media at all) is *rejected* with a reason written for the
candidate, who can then record another take. A failure on our side raises, and the job is retried.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import apsw

from boxinterview import clock, files
from boxinterview.config.settings import Settings
from boxinterview.domain import recordings
from boxinterview.domain.models import SILENT_LUFS, QuestionKind, RecordingState
from boxinterview.media import (
    MediaError,
    MediaInfo,
    PlaybackOptions,
    loudness,
    needs_video_encode,
    playback_size,
    poster,
    probe,
    transcode_playback,
)
from boxinterview.store import Database
from boxinterview.store import answers as answers_sql
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import uploads as uploads_sql

log = logging.getLogger(__name__)

MIN_SECONDS = 0.5
IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "gif", "webp_pipe", "bmp_pipe"}
# Containers browsers (and phones) record into; anything else is not a recording, whatever ffprobe guesses.
RECORDING_CONTAINERS = ("matroska", "webm", "mov", "mp4", "m4a", "3gp", "ogg", "wav", "mp3", "aac", "flac")


class Rejected(Exception):
    """The recording cannot be used; the message is for the candidate."""


@dataclass(frozen=True)
class Expectation:
    kind: QuestionKind
    max_seconds: float
    audio_only_ok: bool = False  # the interview lets candidates without a camera answer with sound only


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


def validate(info: MediaInfo, expected: Expectation) -> None:
    """Raise Rejected with what the candidate should do, if the recording is not a usable answer."""
    if info.format_name in IMAGE_FORMATS or info.format_name.endswith("_pipe"):
        raise Rejected("the file is a picture, not a recording: record this answer again")
    if not any(c in info.format_name.split(",") for c in RECORDING_CONTAINERS):
        raise Rejected(
            "the file is not a recording we can read (it may be damaged or incomplete): record this answer again"
        )
    if expected.kind is QuestionKind.VIDEO and info.video is None and not expected.audio_only_ok:
        raise Rejected(
            "no picture was recorded: allow the camera in your browser (and close other apps using it), then "
            "record this answer again"
        )
    if info.audio is None:
        raise Rejected(
            "no sound was recorded: allow the microphone in your browser and check it is not muted, then record "
            "this answer again"
        )
    if info.duration_s <= 0:
        raise Rejected("nothing was recorded (the recording is empty): record this answer again")
    if info.duration_s < MIN_SECONDS:
        raise Rejected(
            f"the recording is only {info.duration_s:.1f} seconds long, too short to hold an answer: record this "
            "answer again, and stop only when you have finished speaking"
        )
    if info.claims_more_than_it_holds:
        raise Rejected(
            f"the recording is incomplete: only {info.duration_s:.0f} of its {info.header_duration_s:.0f} seconds "
            "reached us (the browser or phone may have stopped while saving it): record this answer again"
        )
    if info.duration_s > expected.max_seconds:
        # Whole seconds, unless rounding would make the length look like the limit ("15 s, longer than 15 s").
        length = (
            f"{info.duration_s:.0f}"
            if info.duration_s >= expected.max_seconds + 1
            else f"{info.duration_s:.1f}"
        )
        raise Rejected(
            f"the recording is {length} seconds long, longer than this question allows "
            f"({expected.max_seconds:.0f} s): record a shorter answer"
        )


def _damaged(exc: MediaError) -> bool:
    text = exc.tail.lower()
    return any(
        s in text for s in ("invalid data", "corrupt", "error while decoding", "truncat", "end of file")
    )


async def process(
    db: Database, settings: Settings, recording_id: int, progress: Callable[[float], None] | None = None
) -> RecordingState:
    """Process one recording to ready or rejected; raise on failures worth retrying."""
    rec = recordings.get(db, recording_id)
    if rec.state in (RecordingState.READY, RecordingState.REJECTED):
        return rec.state  # done already (a retried job after a crash at the very end)
    if rec.state is not RecordingState.PROCESSING:
        db.write(recordings.start_processing, recording_id, clock.now())
    original = Path(rec.original_path or "")
    upload = db.read(uploads_sql.by_recording, recording_id)
    if upload is not None:  # finish a move the upload's last request may not have completed (a crash)
        files.finish_move(files.upload_part(settings.data_dir, upload.id), original)
    expected = expectation(db, recording_id, settings.media.duration_tolerance_seconds)
    opts = playback_options(settings)
    try:
        try:
            info = await probe(original, settings.media.ffprobe)
        except MediaError as exc:
            raise Rejected(
                "the file is not a recording we can read (it may be damaged or incomplete): record this answer again"
            ) from exc
        validate(info, expected)
        target, played = await _playback(original, info, expected, settings, progress)
        still = target.parent / "poster.jpg"
        level, _ = await asyncio.gather(_loudness(original, settings), poster(target, still, played, opts))
        files.fsync_dir(target.parent)
    except Rejected as why:
        log.info("recording %s rejected: %s", recording_id, why)
        db.write(recordings.reject, recording_id, str(why), clock.now())
        return RecordingState.REJECTED
    if level is not None and level <= SILENT_LUFS:
        log.info("recording %s: nothing can be heard (%.1f LUFS)", recording_id, level)
    db.write(
        lambda con: recordings.mark_ready(
            con,
            recording_id,
            playback_path=str(target),
            poster_path=str(still),
            duration_ms=round(played.duration_s * 1000),
            loudness_lufs=level,
            now=clock.now(),
        )
    )
    return RecordingState.READY


async def _loudness(original: Path, settings: Settings) -> float | None:
    try:
        return await loudness(original, settings.media.ffmpeg)
    except MediaError:
        return None  # only a warning depends on it: never fail a recording over it


async def _playback(
    original: Path,
    info: MediaInfo,
    expected: Expectation,
    settings: Settings,
    progress: Callable[[float], None] | None,
) -> tuple[Path, MediaInfo]:
    """Make and verify the playback file; use the live transcode's result when there is a good one."""
    folder = original.parent
    is_video = info.video is not None and expected.kind is QuestionKind.VIDEO
    target = folder / ("playback.mp4" if is_video else "playback.m4a")
    live = folder / ("live-playback" + target.suffix)
    partial = target.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp{target.suffix}")  # one per attempt
    source = info if is_video else _audio_only(info)
    opts = playback_options(settings)
    try:
        played = await _verified(live, source, settings) if live.exists() else None
        if played is not None:
            os.replace(live, target)  # made while the upload was arriving
        else:
            await transcode_playback(original, partial, source, opts, progress)
            played = await _verified(partial, source, settings)
            if played is None:
                raise MediaError("the playback file does not hold the whole recording")
            os.replace(partial, target)
    except MediaError as exc:
        if _damaged(exc):
            raise Rejected("the recording is damaged and cannot be played: record this answer again") from exc
        raise
    finally:
        files.remove(partial)
        files.remove(live)
    for stale in folder.glob("*.tmp.*"):  # left by an attempt that died
        files.remove(stale)
    return target, played


def _ends(info: MediaInfo) -> tuple[float | None, float | None]:
    """Where the audio and the video end, counted from the file's first packet."""
    spans = [s.span for s in (info.audio, info.video) if s is not None and s.span is not None]
    zero = min((s.start_s for s in spans), default=0.0)
    audio = info.audio.span.end_s - zero if info.audio and info.audio.span else None
    video = info.video.span.end_s - zero if info.video and info.video.span else None
    return audio, video


async def _verified(path: Path, source: MediaInfo, settings: Settings) -> MediaInfo | None:
    """The playback file's own description, if it really holds the whole recording as it should be played;
    else None. Sound and picture are each compared with the recording's, so audio that drifted out of sync (or
    lost its last seconds) is caught, not only a short file."""
    # Made from a picture of one size, the playback file has one size too (copied, or scaled and padded): its
    # header says which, and decoding its key frames to find every size would only cost time.
    one_size = source.video is None or not source.video.changes_size
    try:
        played = await probe(path, settings.media.ffprobe, frame_sizes=not one_size)
    except MediaError:
        return None

    def close(a: float | None, b: float | None) -> bool:
        return a is not None and b is not None and abs(a - b) <= max(1.0, b * 0.02)

    problems = []
    if not close(played.duration_s, source.duration_s):
        problems.append(f"lasts {played.duration_s:.2f} s, not {source.duration_s:.2f} s")
    (audio, video), (want_audio, want_video) = _ends(played), _ends(source)
    if not close(audio, want_audio):
        problems.append(f"its sound ends at {audio} s, not {want_audio} s")
    if source.video is not None:
        opts = playback_options(settings)
        size = (
            playback_size(source, opts) if needs_video_encode(source, opts) else source.video.display_sizes[0]
        )
        if played.video is None or not close(video, want_video):
            problems.append(f"its picture ends at {video} s, not {want_video} s")
        elif played.video.changes_size or played.video.display_sizes[0] != size:
            problems.append(f"its picture is {played.video.display_sizes}, not {size}")
    if problems:
        log.warning("%s does not match its recording: %s", path, "; ".join(problems))
        return None
    return played


def _audio_only(info: MediaInfo) -> MediaInfo:
    span = info.audio.span if info.audio else None
    return dataclasses.replace(info, video=None, duration_s=span.seconds if span else info.duration_s)
