"""Turning a video the hiring team recorded or uploaded into one every candidate's browser plays: probed first
(a file that is not video or sound is refused with a reason the team reads), then made into an MP4 with H.264
and AAC, moov atom first, by the same media code as the candidates' answers."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from boxinterview import files
from boxinterview.config.settings import Settings
from boxinterview.domain import interview_media
from boxinterview.errors import NotFound
from boxinterview.media import MediaError
from boxinterview.pipeline import playable
from boxinterview.pipeline.processing import playback_options
from boxinterview.store import Database

log = logging.getLogger(__name__)


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
    target = original.with_name(f"playback-{uuid.uuid4().hex[:12]}.mp4")
    try:
        made = await playable.make_team_video(
            original, target, playback_options(settings), settings.media.ffprobe, progress
        )
    except playable.Rejected as why:
        return _refuse(db, media, str(why))
    except MediaError:
        if _changed(db, media):
            return "replaced"  # replaced or removed meanwhile, its file with it
        raise
    if not interview_media.finish(
        db, media, "ready", playback_path=str(made.playback), duration_ms=round(made.played.duration_s * 1000)
    ):
        files.remove(made.playback)  # replaced or removed while it was processed
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
        await playable.team_checked(path, settings.media.ffprobe)
    except playable.Rejected as why:
        return str(why)
    return None
