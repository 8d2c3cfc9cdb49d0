"""Transcoding a recording while it is still being uploaded, so it is playable moments after the last byte.

The candidate's browser sends a chunk about every second while recording. A live transcode follows the
upload: it reads the bytes the server has acknowledged (never more) and feeds them to ffmpeg through a pipe.
When the upload completes, ffmpeg finishes the little that is left and the result waits as `live-playback.*`
beside the original; the processing job verifies it and uses it instead of transcoding from scratch. If anything
goes wrong here, nothing is lost: the job simply transcodes the complete original as usual.

Several candidates often answer at the same moment (a group invited together, a deadline), so every upload in
progress may be followed at once. Each live transcode tells the worker how far it lags behind its upload
(`behind_seconds`: how long ago the oldest byte it has not yet read arrived), so another starts only while the
CPU keeps up; and how long it has been stuck (`stuck_seconds`: no byte read, or no end, while there is work
to do), so one that no longer moves is given up. Live transcodes run at a higher niceness than jobs: a
finished upload's job always gets the CPU first, and a live transcode that falls behind catches up afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import time
import uuid
from collections import deque
from pathlib import Path

from boxinterview import files
from boxinterview.config.settings import Settings
from boxinterview.domain.models import QuestionKind
from boxinterview.media import MediaError, PlaybackOptions, probe, transcode_playback_streaming
from boxinterview.pipeline import processing
from boxinterview.store import Database
from boxinterview.store import uploads as uploads_sql
from boxinterview.store.uploads import UploadRow

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2
NICENESS = 13  # above the jobs' 10: about half their share of the CPU
PROBE_BYTES = 64 * 1024  # enough of the beginning for ffprobe to read the container's headers
READ_BYTES = 1024 * 1024


class UploadEnded(Exception):
    """The candidate cancelled the upload or it was abandoned."""


def live_result(folder: Path, video: bool) -> Path:
    return folder / ("live-playback.mp4" if video else "live-playback.m4a")


def live_options(settings: Settings) -> PlaybackOptions:
    """A live transcode encodes at the pace the answer is recorded, several at once: a faster x264 preset
    (`media.live_x264_preset`) keeps each well ahead of real time on a small server."""
    return dataclasses.replace(
        processing.playback_options(settings), preset=settings.media.live_x264_preset, niceness=NICENESS
    )


class LiveTranscode:
    """One upload followed by ffmpeg. `run()` returns the finished live result, or None if none was made."""

    def __init__(self, db: Database, settings: Settings, upload: UploadRow) -> None:
        self.db = db
        self.settings = settings
        self.upload = upload
        self._fed = 0
        self._arrivals: deque[tuple[float, int]] = deque()  # (when, bytes received by then), oldest first
        self._moved_at = time.monotonic()  # when ffmpeg last took bytes (or was given its whole input)
        self._input_complete = False

    @property
    def recording_id(self) -> int:
        return self.upload.recording_id

    def behind_seconds(self, now: float | None = None) -> float:
        """How long ago the oldest byte not yet given to ffmpeg was acknowledged (0 when it has them all)."""
        while self._arrivals and self._arrivals[0][1] <= self._fed:
            self._arrivals.popleft()
        if not self._arrivals:
            return 0.0
        return max(0.0, (time.monotonic() if now is None else now) - self._arrivals[0][0])

    def stuck_seconds(self, now: float | None = None) -> float:
        """How long ffmpeg has not moved while it has something to do: bytes waiting to be read, or, once it
        has the whole upload, its end (0 when it is waiting for the candidate's next bytes)."""
        now = time.monotonic() if now is None else now
        if self._input_complete:
            return now - self._moved_at
        if self.behind_seconds(now) == 0:
            return 0.0
        return now - max(self._moved_at, self._arrivals[0][0])

    def _arrived(self, row: UploadRow) -> None:
        if not self._arrivals or row.received > self._arrivals[-1][1]:
            self._arrivals.append((time.monotonic(), row.received))

    async def _wait_for_bytes(self, at_least: int) -> UploadRow:
        while True:
            row = await self.db.aread(uploads_sql.get, self.upload.id)
            if row is None or row.ended_at is not None:
                raise UploadEnded(self.upload.id)
            self._arrived(row)
            if row.received >= at_least or row.completed_at is not None:
                return row
            await asyncio.sleep(POLL_SECONDS)

    async def run(self) -> Path | None:
        settings, upload = self.settings, self.upload
        part = files.upload_part(settings.data_dir, upload.id)
        folder = files.recording_dir(settings.data_dir, upload.recording_id)
        expected = processing.expectation(
            self.db, upload.recording_id, settings.media.duration_tolerance_seconds
        )
        loop = asyncio.get_running_loop()
        fd: int | None = None
        partial: Path | None = None
        try:
            row = await self._wait_for_bytes(PROBE_BYTES)
            # Opened once: the descriptor keeps reading the same file after it moves into the recording's folder.
            fd = os.open(part, os.O_RDONLY)
            info = await probe(Path(f"/proc/{os.getpid()}/fd/{fd}"), settings.media.ffprobe)
            video = expected.kind is QuestionKind.VIDEO and info.video is not None
            if info.audio is None:
                return None  # the job will reject it with the reason
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f"live.{uuid.uuid4().hex[:8]}.tmp{'.mp4' if video else '.m4a'}"
            source = fd

            async def feed(stdin: asyncio.StreamWriter) -> None:
                current = row
                while True:
                    while self._fed < current.received:
                        size = min(READ_BYTES, current.received - self._fed)
                        chunk = await loop.run_in_executor(None, os.pread, source, size, self._fed)
                        if not chunk:
                            break
                        stdin.write(chunk)
                        await stdin.drain()
                        self._fed += len(chunk)
                        self._moved_at = time.monotonic()
                    if current.completed_at is not None:
                        self._input_complete, self._moved_at = True, time.monotonic()
                        return
                    current = await self._wait_for_bytes(self._fed + 1)

            await transcode_playback_streaming(feed, partial, info, live_options(settings), video=video)
            result = live_result(folder, video)
            os.replace(partial, result)
            log.info("recording %s: live transcode finished", upload.recording_id)
            return result
        except UploadEnded:
            return None
        except (MediaError, OSError) as exc:
            log.info(
                "recording %s: live transcode gave up (%s); the job will transcode it",
                upload.recording_id,
                exc,
            )
            return None
        finally:
            if fd is not None:
                os.close(fd)
            if partial is not None:
                with contextlib.suppress(FileNotFoundError):
                    partial.unlink()
