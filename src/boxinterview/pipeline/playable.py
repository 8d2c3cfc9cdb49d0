"""The media work on one recording, as a function of files: check it, make the playback file, verify it, take a
poster and measure its loudness. No database and no settings: the server's worker and a remote runner both call
it, each with the expectation and options the server decided (see `processing` and `boxinterview.runner`).

A recording that is not usable (no sound, too long, not media at all) raises `Rejected` with a reason written
for the candidate; a failure on our side raises `MediaError`, and the job is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boxinterview import files
from boxinterview.domain.models import QuestionKind
from boxinterview.media import (
    MediaError,
    MediaInfo,
    PlaybackOptions,
    loudness,
    needs_video_encode,
    playback_size,
    plays_as_webm,
    poster,
    probe,
    remux_webm,
    transcode_playback,
)

log = logging.getLogger(__name__)

MIN_SECONDS = 0.5
IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "gif", "webp_pipe", "bmp_pipe"}
# Containers browsers (and phones) record into; anything else is not a recording, whatever ffprobe guesses.
RECORDING_CONTAINERS = ("matroska", "webm", "mov", "mp4", "m4a", "3gp", "ogg", "wav", "mp3", "aac", "flac")
UNREADABLE = (
    "the file is not a recording we can read (it may be damaged or incomplete): record this answer again"
)
DAMAGED = "the recording is damaged and cannot be played: record this answer again"
EMPTY = "nothing was recorded (the recording is empty): record this answer again"


class Rejected(Exception):
    """The recording cannot be used; the message is for the candidate."""


@dataclass(frozen=True)
class Expectation:
    kind: QuestionKind
    max_seconds: float
    audio_only_ok: bool = False  # the interview lets candidates without a camera answer with sound only

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "max_seconds": self.max_seconds, "audio_only_ok": self.audio_only_ok}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Expectation:
        return cls(QuestionKind(data["kind"]), float(data["max_seconds"]), bool(data["audio_only_ok"]))


@dataclass(frozen=True)
class Made:
    """What the media work made beside the recording: the playback file and its poster, the playback file's own
    description, and the recording's loudness as it arrived (None when it could not be measured)."""

    playback: Path
    poster: Path
    played: MediaInfo
    loudness_lufs: float | None


def validate(info: MediaInfo, expected: Expectation) -> None:
    """Raise Rejected with what the candidate should do, if the recording is not a usable answer."""
    if info.format_name in IMAGE_FORMATS or info.format_name.endswith("_pipe"):
        raise Rejected("the file is a picture, not a recording: record this answer again")
    if not any(c in info.format_name.split(",") for c in RECORDING_CONTAINERS):
        raise Rejected(UNREADABLE)
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
        raise Rejected(EMPTY)
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


async def _described(original: Path, ffprobe: str, unreadable: str) -> MediaInfo:
    """ffprobe's description of the file. Rejected(`unreadable`) when ffprobe cannot read it as media; its
    MediaError when ffprobe failed for this machine's reasons (stopped, short of memory): the job is tried again
    rather than anyone asked for another file."""
    try:
        return await probe(original, ffprobe)
    except MediaError as exc:
        if exc.ours:
            raise
        raise Rejected(unreadable) from exc


async def checked(original: Path, expected: Expectation, ffprobe: str) -> MediaInfo:
    """The recording's description, once it has passed `validate`."""
    if original.stat().st_size == 0:  # an empty upload: nothing to read, and nothing was recorded
        raise Rejected(EMPTY)
    info = await _described(original, ffprobe, UNREADABLE)
    validate(info, expected)
    return info


def playback_name(info: MediaInfo, expected: Expectation) -> str:
    return "playback.mp4" if _is_video(info, expected) else "playback.m4a"


def as_played(info: MediaInfo, expected: Expectation) -> MediaInfo:
    """The recording as its playback file should hold it: an answer to a question asked for sound only (or
    recorded with sound only) keeps only its sound, and lasts as long as the sound does."""
    if _is_video(info, expected):
        return info
    span = info.audio.span if info.audio else None
    return dataclasses.replace(info, video=None, duration_s=span.seconds if span else info.duration_s)


def _is_video(info: MediaInfo, expected: Expectation) -> bool:
    return info.video is not None and expected.kind is QuestionKind.VIDEO


def _damaged(exc: MediaError) -> bool:
    text = exc.tail.lower()
    return not exc.ours and any(
        s in text for s in ("invalid data", "corrupt", "error while decoding", "truncat", "end of file")
    )


async def make(
    original: Path,
    folder: Path,
    expected: Expectation,
    opts: PlaybackOptions,
    ffprobe: str,
    progress: Callable[[float], None] | None = None,
    live_results: bool = False,
) -> Made:
    """Check `original`, then write its playback file and poster into `folder` (fsynced). With `live_results`,
    a playback file made while the recording was arriving (`live-playback.*` in `folder`) is used when it holds
    the whole recording. Raises Rejected for the candidate, MediaError for a failure worth retrying."""
    # The loudness needs only the original: it is measured while the rest is done.
    level = asyncio.ensure_future(_loudness(original, opts.ffmpeg))
    try:
        return await _make(original, folder, expected, opts, ffprobe, progress, live_results, level)
    finally:
        if not level.done():
            level.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await level


async def _make(
    original: Path,
    folder: Path,
    expected: Expectation,
    opts: PlaybackOptions,
    ffprobe: str,
    progress: Callable[[float], None] | None,
    live_results: bool,
    loudness_of_original: Awaitable[float | None],
) -> Made:
    info = await checked(original, expected, ffprobe)
    source = as_played(info, expected)
    target = folder / playback_name(info, expected)
    live = folder / ("live-playback" + target.suffix) if live_results else None
    partial = target.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp{target.suffix}")  # one per attempt
    try:
        played = await verified(live, source, opts, ffprobe) if live is not None and live.exists() else None
        if played is not None and live is not None:
            os.replace(live, target)  # made while the upload was arriving
        else:
            await transcode_playback(original, partial, source, opts, progress)
            played = await verified(partial, source, opts, ffprobe)
            if played is None:
                raise MediaError("the playback file does not hold the whole recording")
            os.replace(partial, target)
    except MediaError as exc:
        if _damaged(exc):
            raise Rejected(DAMAGED) from exc
        raise
    finally:
        files.remove(partial)
        if live is not None:
            files.remove(live)
    for stale in folder.glob("*.tmp.*"):  # left by an attempt that died
        files.remove(stale)
    still = folder / "poster.jpg"
    level, _ = await asyncio.gather(loudness_of_original, poster(target, still, played, opts))
    files.fsync_dir(folder)
    return Made(target, still, played, level)


PREVIEW = "preview.webm"
# A preview is a second's work that reviewers wait for: it goes before the jobs' encodes (10) and the live
# transcodes (13), and still after the web server (0).
PREVIEW_NICENESS = 5


async def preview(
    original: Path, folder: Path, expected: Expectation, opts: PlaybackOptions, ffprobe: str
) -> Path | None:
    """The recording remuxed into `folder`'s preview.webm, for browsers that play WebM to watch while its MP4
    is made; None when it needs none (its MP4 is quick to make: the picture is copied, or there is none) or
    cannot have one (its codecs do not go into WebM, it will be rejected, the remux does not hold all of it).
    Costs a probe and a copy of the bytes, never an encode."""
    try:
        # Sizes are not needed: a picture that plays as WebM is never H.264, so its MP4 is always encoded.
        info = await probe(original, ffprobe, frame_sizes=False, niceness=PREVIEW_NICENESS)
        validate(info, expected)
    except (MediaError, Rejected):
        return None  # the job says why, to the candidate
    if not _is_video(info, expected) or not plays_as_webm(info):
        return None
    target = folder / PREVIEW
    partial = folder / f"preview.{uuid.uuid4().hex[:8]}.tmp.webm"
    try:
        await remux_webm(original, partial, info, dataclasses.replace(opts, niceness=PREVIEW_NICENESS))
        made = await probe(partial, ffprobe, frame_sizes=False, niceness=PREVIEW_NICENESS)
        if problems := _length_problems(made, info):
            log.warning("%s: no preview, the remuxed file %s", original, "; ".join(problems))
            return None
        os.replace(partial, target)
    except MediaError as exc:
        log.info("%s: no preview (%s)", original, exc)
        return None
    finally:
        files.remove(partial)
    return target


def _close(a: float | None, b: float | None) -> bool:
    """Two lengths the same within a second or 2 %, whichever is more."""
    return a is not None and b is not None and abs(a - b) <= max(1.0, b * 0.02)


def _length_problems(played: MediaInfo, source: MediaInfo) -> list[str]:
    """How a file made from a recording falls short of it: its length, or where its sound or picture ends (each
    compared with the recording's, so sound that drifted or lost its last seconds is caught)."""
    problems = []
    if not _close(played.duration_s, source.duration_s):
        problems.append(f"lasts {played.duration_s:.2f} s, not {source.duration_s:.2f} s")
    (audio, video), (want_audio, want_video) = _ends(played), _ends(source)
    if not _close(audio, want_audio):
        problems.append(f"its sound ends at {audio} s, not {want_audio} s")
    if source.video is not None and (played.video is None or not _close(video, want_video)):
        problems.append(f"its picture ends at {video} s, not {want_video} s")
    return problems


async def _loudness(original: Path, ffmpeg: str) -> float | None:
    try:
        return await loudness(original, ffmpeg)
    except MediaError:
        return None  # only a warning depends on it: never fail a recording over it


def _ends(info: MediaInfo) -> tuple[float | None, float | None]:
    """Where the audio and the video end, counted from the file's first packet."""
    spans = [s.span for s in (info.audio, info.video) if s is not None and s.span is not None]
    zero = min((s.start_s for s in spans), default=0.0)
    audio = info.audio.span.end_s - zero if info.audio and info.audio.span else None
    video = info.video.span.end_s - zero if info.video and info.video.span else None
    return audio, video


async def verified(path: Path, source: MediaInfo, opts: PlaybackOptions, ffprobe: str) -> MediaInfo | None:
    """The playback file's own description, if it really holds the whole recording as it should be played;
    else None. Sound and picture are each compared with the recording's, so audio that drifted out of sync (or
    lost its last seconds) is caught, not only a short file."""
    # Made from a picture of one size, the playback file has one size too (copied, or scaled and padded): its
    # header says which, and decoding its key frames to find every size would only cost time.
    one_size = source.video is None or not source.video.changes_size
    try:
        played = await probe(path, ffprobe, frame_sizes=not one_size)
    except MediaError:
        return None
    problems = mismatches(played, source, opts)
    if problems:
        log.warning("%s does not match its recording: %s", path, "; ".join(problems))
        return None
    return played


def mismatches(played: MediaInfo, source: MediaInfo, opts: PlaybackOptions) -> list[str]:
    """How a playback file differs from what its recording should have become (empty when it does not): its
    length (`_length_problems`), and the size of a picture that ends where it should."""
    problems = _length_problems(played, source)
    if source.video is not None and played.video is not None and _close(_ends(played)[1], _ends(source)[1]):
        size = (
            playback_size(source, opts) if needs_video_encode(source, opts) else source.video.display_sizes[0]
        )
        if played.video.changes_size or played.video.display_sizes[0] != size:
            problems.append(f"its picture is {played.video.display_sizes}, not {size}")
    return problems


# -- the hiring team's own videos (the welcome, questions asked on video) ----------------------------------------

NOT_MEDIA = (
    "the file is not a video or sound recording we can read; upload a video file such as MP4, MOV or WebM"
)


def refusal(format_name: str, has_picture: bool, has_sound: bool, seconds: float) -> str | None:
    """Why a probed file cannot be a team video, or None when it can."""
    if format_name in IMAGE_FORMATS or format_name.endswith("_pipe"):
        return "the file is a picture, not a video; upload a video file such as MP4, MOV or WebM"
    if not any(c in format_name.split(",") for c in RECORDING_CONTAINERS):
        return NOT_MEDIA
    if not has_picture and not has_sound:
        return NOT_MEDIA
    if seconds < MIN_SECONDS:
        return f"the video is only {seconds:.1f} seconds long; record or upload a longer one"
    return None


async def team_checked(original: Path, ffprobe: str) -> MediaInfo:
    """A team video's description; Rejected, with the reason the team reads, when it cannot be one."""
    info = await _described(original, ffprobe, NOT_MEDIA)
    why = refusal(info.format_name, info.video is not None, info.audio is not None, info.duration_s)
    if why is not None:
        raise Rejected(why)
    return info


def team_mismatch(played: MediaInfo, info: MediaInfo) -> str | None:
    """How a team video's playable file differs from the video (None when it does not)."""
    if abs(played.duration_s - info.duration_s) > max(1.0, info.duration_s * 0.02):
        return f"the playable file lasts {played.duration_s:.2f} s, not {info.duration_s:.2f} s"
    if (played.video is None) != (info.video is None):
        return "the playable file's picture does not match the video's"
    return None


async def make_team_video(
    original: Path,
    target: Path,
    opts: PlaybackOptions,
    ffprobe: str,
    progress: Callable[[float], None] | None = None,
) -> Made:
    """A team video made into one every candidate's browser plays, at `target` (its suffix is chosen here: MP4,
    or M4A for sound only). No poster: `Made.poster` is the same file. Raises Rejected for the team, MediaError
    for a failure worth retrying."""
    info = await team_checked(original, ffprobe)
    target = target.with_suffix(".mp4" if info.video else ".m4a")
    partial = target.with_name(target.stem + ".tmp" + target.suffix)
    try:
        await transcode_playback(original, partial, info, opts, progress)
        played = await probe(partial, ffprobe)
        wrong = team_mismatch(played, info)
        if wrong is not None:
            raise MediaError(wrong)
        os.replace(partial, target)
        files.fsync_dir(target.parent)
    except MediaError as exc:
        files.remove(partial)
        if _damaged(exc):
            raise Rejected("the video is damaged and cannot be played") from exc
        raise
    return Made(target, target, played, None)
