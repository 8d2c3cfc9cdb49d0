"""Several answers arriving at once: every upload is followed live, and nothing is lost when a live transcode
is stuck or dies."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from pathlib import Path

import pytest

from boxinterview.domain import recordings, uploads
from boxinterview.domain.models import RecordingState
from boxinterview.pipeline import worker as worker_module
from boxinterview.pipeline.worker import Worker
from tests.media.test_live import paced_upload, wait_state
from tests.support.clips import make
from tests.support.live import live_server


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


def test_answers_arriving_together_are_all_transcoded_as_they_arrive(tmp_path: Path, clips) -> None:
    data = make("vp8_opus.webm", clips, seconds=5).read_bytes()
    with live_server(tmp_path, media={"worker_in_server": True, "max_ffmpeg": 1}, log_level="info") as live:
        urls: list[str] = []
        threads = [
            threading.Thread(target=lambda: urls.append(paced_upload(live, data, chunks=5, pause=0.5)))
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ids = [uploads.get(live.db, url.rsplit("/", 1)[1]).recording_id for url in urls]
        assert [wait_state(live, rid) for rid in ids] == [RecordingState.READY] * 3
        log = (tmp_path / "server.log").read_text()
        for rid in ids:  # more than max_ffmpeg at once: live transcodes take no job slot
            assert f"recording {rid}: live transcode finished" in log
            folder = Path(recordings.get(live.db, rid).playback_path).parent
            assert sorted(p.name for p in folder.iterdir()) == ["original.webm", "playback.mp4", "poster.jpg"]


def live_ffmpeg() -> int | None:
    """The live transcode's ffmpeg started by this process (it reads from a pipe), if one runs."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue  # it ended meanwhile
        if ppid == os.getpid() and args[0].endswith(b"ffmpeg") and b"pipe:0" in args:
            return int(proc.name)
    return None


async def upload_while(live, data: bytes, then) -> int:
    """Upload `data` at a recording's pace in a thread; once its live transcode runs, call `then(pid)`."""
    upload = asyncio.create_task(asyncio.to_thread(paced_upload, live, data, chunks=12, pause=0.5))
    while (pid := live_ffmpeg()) is None:
        assert not upload.done(), "no live transcode started"
        await asyncio.sleep(0.05)
    then(pid)
    url = await upload
    return uploads.get(live.db, url.rsplit("/", 1)[1]).recording_id


@pytest.mark.parametrize(
    ("what", "sign", "logged"),
    [
        # ffmpeg stops reading: the bytes that arrive pile up unread until the worker gives it up
        ("is stuck", signal.SIGSTOP, ("live transcode given up",)),
        # ffmpeg is killed: its pipe breaks (or, on a busy machine, the worker finds it stuck first)
        ("dies", signal.SIGKILL, ("live transcode gave up", "live transcode given up")),
    ],
)
async def test_nothing_is_lost_when_a_live_transcode_is_stuck_or_dies(
    tmp_path: Path, clips, monkeypatch, caplog, what: str, sign: signal.Signals, logged: tuple[str, ...]
) -> None:
    caplog.set_level(logging.INFO, logger="boxinterview.pipeline")
    data = make("vp8_opus.webm", clips, seconds=12).read_bytes()
    with live_server(tmp_path) as live:
        stop = asyncio.Event()
        working = asyncio.create_task(Worker(live.db, live.settings).run(stop))
        signalled: list[int] = []

        def signal_it(pid: int) -> None:
            os.kill(pid, sign)
            signalled.append(pid)
            # From now on a second without moving is too long (an upload's seconds are half a second here).
            monkeypatch.setattr(worker_module, "LIVE_STUCK_SECONDS", 1.0)

        try:
            rid = await upload_while(live, data, signal_it)
            assert await asyncio.to_thread(wait_state, live, rid, 90) is RecordingState.READY
        finally:
            for pid in signalled:  # never leave a stopped process behind
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
            stop.set()
            await working
        assert any(f"recording {rid}: {each}" in caplog.text for each in logged), what
        assert f"recording {rid}: live transcode finished" not in caplog.text
        rec = recordings.get(live.db, rid)
        assert 11800 <= rec.duration_ms <= 12300
        assert sorted(p.name for p in Path(rec.playback_path).parent.iterdir()) == [
            "original.webm",
            "playback.mp4",
            "poster.jpg",
        ]
