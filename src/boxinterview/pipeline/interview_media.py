"""Turning a video the hiring team recorded or uploaded into one every candidate's browser plays: probed first
(a file that is not video or sound is refused with a reason the team reads), then made into an MP4 with H.264
and AAC, moov atom first, by the same media code as the candidates' answers."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from boxinterview import files
from boxinterview.config.settings import Settings
from boxinterview.domain import interview_media
from boxinterview.errors import NotFound
from boxinterview.media import MediaError, probe, transcode_playback
from boxinterview.pipeline.playable import IMAGE_FORMATS, MIN_SECONDS, RECORDING_CONTAINERS
from boxinterview.pipeline.processing import playback_options
from boxinterview.store import Database

log = logging.getLogger(__name__)

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


async def process(
    db: Database, settings: Settings, media_id: int, progress: Callable[[float], None] | None = None
) -> str:
    """Process one team video to ready or rejected; raise on failures worth retrying. Returns its state.

    A video replaced while it was processed keeps its job (one per video at a time), so the new one is processed
    here too."""
    while (state := await _process_once(db, settings, media_id, progress)) == "replaced":
        log.info("interview video %s was replaced while it was processed; processing the new one", media_id)
    return state


async def _process_once(
    db: Database, settings: Settings, media_id: int, progress: Callable[[float], None] | None
) -> str:
    try:
        media = interview_media.get(db, media_id)
    except NotFound:
        return "removed"
    if media.state != "processing":
        return media.state
    original = Path(media.original_path)
    try:
        info = await probe(original, settings.media.ffprobe)
    except MediaError:
        return _refuse(db, media, NOT_MEDIA)
    why = refusal(info.format_name, info.video is not None, info.audio is not None, info.duration_s)
    if why is not None:
        return _refuse(db, media, why)
    target = original.with_name(f"playback-{uuid.uuid4().hex[:12]}{'.mp4' if info.video else '.m4a'}")
    partial = target.with_name(target.stem + ".tmp" + target.suffix)
    try:
        await transcode_playback(original, partial, info, playback_options(settings), progress)
        played = await probe(partial, settings.media.ffprobe)
        if abs(played.duration_s - info.duration_s) > max(1.0, info.duration_s * 0.02):
            raise MediaError(
                f"the playable file lasts {played.duration_s:.2f} s, not {info.duration_s:.2f} s"
            )
        os.replace(partial, target)
        files.fsync_dir(target.parent)
    except MediaError as exc:
        files.remove(partial)
        if _changed(db, media):
            return "replaced"  # replaced or removed meanwhile, its file with it
        if "invalid data" in exc.tail.lower() or "corrupt" in exc.tail.lower():
            return _refuse(db, media, "the video is damaged and cannot be played")
        raise
    if not interview_media.finish(
        db, media, "ready", playback_path=str(target), duration_ms=round(played.duration_s * 1000)
    ):
        files.remove(target)  # replaced or removed while it was processed
        return "replaced"
    return "ready"


def _changed(db: Database, media: interview_media.TeamMedia) -> bool:
    try:
        return interview_media.get(db, media.id).original_path != media.original_path
    except NotFound:
        return True


def _refuse(db: Database, media: interview_media.TeamMedia, why: str) -> str:
    log.info("interview video %s refused: %s", media.id, why)
    return "rejected" if interview_media.finish(db, media, "rejected", reason=why) else "replaced"


async def check(path: Path, settings: Settings) -> str | None:
    """Why an upload cannot be a team video, said at once (before it is queued), or None when it can."""
    try:
        info = await probe(path, settings.media.ffprobe)
    except MediaError:
        return NOT_MEDIA
    return refusal(info.format_name, info.video is not None, info.audio is not None, info.duration_s)
