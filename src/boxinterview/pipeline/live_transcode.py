"""Transcoding a recording while it is still being uploaded, so it is playable moments after the last byte.

The candidate's browser sends a chunk about every second while recording. A live transcode follows the
upload: it reads the bytes the server has acknowledged (never more) and feeds them to ffmpeg through a pipe.
When the upload completes, ffmpeg finishes the little that is left and the result waits as `live-playback.*`
beside the original; the processing job verifies it and uses it instead of transcoding from scratch. If anything
goes wrong here, nothing is lost: the job simply transcodes the complete original as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from pathlib import Path

from boxinterview import files
from boxinterview.config.settings import Settings
from boxinterview.domain.models import QuestionKind
from boxinterview.media import MediaError, probe, transcode_playback_streaming
from boxinterview.pipeline import processing
from boxinterview.store import Database
from boxinterview.store import uploads as uploads_sql
from boxinterview.store.uploads import UploadRow

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2
PROBE_BYTES = 64 * 1024  # enough of the beginning for ffprobe to read the container's headers
READ_BYTES = 1024 * 1024


class UploadEnded(Exception):
    """The candidate cancelled the upload or it was abandoned."""


def live_result(folder: Path, video: bool) -> Path:
    return folder / ("live-playback.mp4" if video else "live-playback.m4a")


async def _wait_for_bytes(db: Database, upload_id: str, at_least: int) -> UploadRow:
    while True:
        row = await db.aread(uploads_sql.get, upload_id)
        if row is None or row.ended_at is not None:
            raise UploadEnded(upload_id)
        if row.received >= at_least or row.completed_at is not None:
            return row
        await asyncio.sleep(POLL_SECONDS)


async def follow(db: Database, settings: Settings, upload: UploadRow) -> Path | None:
    """Transcode `upload` as it arrives; return the finished live result, or None if it could not be made."""
    part = files.upload_part(settings.data_dir, upload.id)
    folder = files.recording_dir(settings.data_dir, upload.recording_id)
    expected = processing.expectation(db, upload.recording_id, settings.media.duration_tolerance_seconds)
    loop = asyncio.get_running_loop()
    fd: int | None = None
    partial: Path | None = None
    try:
        row = await _wait_for_bytes(db, upload.id, PROBE_BYTES)
        # Opened once: the descriptor keeps reading the same file after it moves into the recording's folder.
        fd = os.open(part, os.O_RDONLY)
        info = await probe(Path(f"/proc/{os.getpid()}/fd/{fd}"), settings.media.ffprobe)
        video = expected.kind is QuestionKind.VIDEO and info.video is not None
        if info.audio is None:
            return None  # the job will reject it with the reason
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"live.{uuid.uuid4().hex[:8]}.tmp{'.mp4' if video else '.m4a'}"

        async def feed(stdin: asyncio.StreamWriter) -> None:
            fed = 0
            current = row
            while True:
                while fed < current.received:
                    size = min(READ_BYTES, current.received - fed)
                    chunk = await loop.run_in_executor(None, os.pread, fd, size, fed)
                    if not chunk:
                        break
                    stdin.write(chunk)
                    await stdin.drain()
                    fed += len(chunk)
                if current.completed_at is not None:
                    return
                await asyncio.sleep(POLL_SECONDS)
                fresh = await db.aread(uploads_sql.get, upload.id)
                if fresh is None or fresh.ended_at is not None:
                    raise UploadEnded(upload.id)
                current = fresh

        await transcode_playback_streaming(
            feed, partial, info, processing.playback_options(settings), video=video
        )
        result = live_result(folder, video)
        os.replace(partial, result)
        log.info("recording %s: live transcode finished", upload.recording_id)
        return result
    except UploadEnded:
        return None
    except (MediaError, OSError) as exc:
        log.info(
            "recording %s: live transcode gave up (%s); the job will transcode it", upload.recording_id, exc
        )
        return None
    finally:
        if fd is not None:
            os.close(fd)
        if partial is not None:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
