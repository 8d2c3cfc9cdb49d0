"""Transcoding while the upload arrives: the result is used when good, and nothing breaks when it is not."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
import requests

from boxinterview.domain import recordings, uploads
from boxinterview.domain.models import RecordingState
from tests.support.clips import make
from tests.support.live import live_server

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


def paced_upload(live, data: bytes, chunks: int, pause: float, finish: bool = True) -> str:
    """Upload like a recording browser: deferred length, a chunk at a time, the length with the last one."""
    meta = live.metadata(live.candidate(), filetype="video/webm;codecs=vp8,opus")
    header = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
    r = requests.post(
        live.uploads_url, headers={**TUS, "Upload-Defer-Length": "1", "Upload-Metadata": header}
    )
    url = live.base + r.headers["Location"]
    size = len(data) // chunks + 1
    for i in range(chunks):
        last = i == chunks - 1
        extra = {"Upload-Length": str(len(data))} if last and finish else {}
        piece = data[i * size : (i + 1) * size]
        r = requests.patch(
            url,
            data=piece,
            headers={
                **TUS,
                "Upload-Offset": str(i * size),
                "Content-Type": "application/offset+octet-stream",
                **extra,
            },
        )
        assert r.status_code == 204, r.text
        if not last:
            time.sleep(pause)
    return url


def wait_state(live, recording_id: int, timeout: float = 60) -> RecordingState:
    deadline = time.monotonic() + timeout
    while (state := recordings.get(live.db, recording_id).state) not in (
        RecordingState.READY,
        RecordingState.REJECTED,
        RecordingState.FAILED,
    ):
        assert time.monotonic() < deadline, f"still {state}"
        time.sleep(0.05)
    return state


def test_a_paced_upload_is_transcoded_as_it_arrives(tmp_path: Path, clips) -> None:
    data = make("vp8_opus.webm", clips, seconds=6).read_bytes()
    with live_server(
        tmp_path, media={"worker_in_server": True, "live_transcodes": 1}, log_level="info"
    ) as live:
        url = paced_upload(live, data, chunks=6, pause=0.5)
        rid = uploads.get(live.db, url.rsplit("/", 1)[1]).recording_id
        assert wait_state(live, rid) is RecordingState.READY
        log = (tmp_path / "server.log").read_text()
        assert f"recording {rid}: live transcode finished" in log
        rec = recordings.get(live.db, rid)
        assert 5800 <= rec.duration_ms <= 6300
        folder = Path(rec.playback_path).parent
        assert sorted(p.name for p in folder.iterdir()) == ["original.webm", "playback.mp4", "poster.jpg"]


def test_a_cancelled_upload_stops_its_live_transcode(tmp_path: Path, clips) -> None:
    data = make("vp8_opus.webm", clips, seconds=6).read_bytes()
    with live_server(
        tmp_path, media={"worker_in_server": True, "live_transcodes": 1}, log_level="info"
    ) as live:
        url = paced_upload(live, data[: len(data) // 2], chunks=3, pause=0.5, finish=False)
        rid = uploads.get(live.db, url.rsplit("/", 1)[1]).recording_id
        folder = live.settings.data_dir / "recordings" / str(rid)
        deadline = time.monotonic() + 10
        while not list(folder.glob("live.*.tmp.mp4")):  # the live transcode is writing
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert requests.delete(url, headers=TUS).status_code == 204
        assert recordings.get(live.db, rid).state is RecordingState.FAILED
        while folder.exists() and any(folder.iterdir()):
            assert time.monotonic() < deadline, list(folder.iterdir())
            time.sleep(0.1)


def test_a_live_result_does_not_save_a_recording_that_breaks_the_rules(tmp_path: Path, clips) -> None:
    data = make("vp8_opus.webm", clips, seconds=16).read_bytes()  # 10 s allowed + 5 s tolerance
    with live_server(tmp_path, media={"worker_in_server": True, "live_transcodes": 1}) as live:
        url = paced_upload(live, data, chunks=4, pause=0.3)
        rid = uploads.get(live.db, url.rsplit("/", 1)[1]).recording_id
        assert wait_state(live, rid) is RecordingState.REJECTED
        assert "longer than this question allows" in recordings.get(live.db, rid).reason
        assert not (live.settings.data_dir / "recordings" / str(rid) / "playback.mp4").exists()


@pytest.mark.parametrize("kind", ["camera_switch_h264.mkv", "rotated_vp8.webm"])
def test_a_live_result_made_before_the_frame_size_changed_is_not_used(
    tmp_path: Path, clips, kind: str
) -> None:
    from tests.media.test_device_recordings import picture_in_frame
    from tests.support import device_clips

    clip = device_clips.make(kind, clips, 6)
    with live_server(
        tmp_path, media={"worker_in_server": True, "live_transcodes": 1}, log_level="info"
    ) as live:
        url = paced_upload(live, clip.read_bytes(), chunks=6, pause=0.4)
        rid = uploads.get(live.db, url.rsplit("/", 1)[1]).recording_id
        assert wait_state(live, rid) is RecordingState.READY
        playback = Path(recordings.get(live.db, rid).playback_path)
        last_size = picture_in_frame(playback, 5.0)
        assert last_size == ((1280, 720) if kind.startswith("camera") else (320, 240))
