"""Real runner processes (`boxinterview runner`) against a real server process, with real ffmpeg: a recording
made ready on another "machine", a runner killed mid-job whose job another finishes, a clean stop."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from boxinterview.domain import interview_media, recordings, runners
from boxinterview.domain.models import RecordingState
from tests.media.test_processing import uploaded
from tests.media.test_team_media_jobs import added
from tests.media.test_team_media_jobs import job_of as team_job_of
from tests.media.test_worker import job_of
from tests.support.clips import make
from tests.support.live import Live, live_server
from tests.support.storage_mode import stored


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """A server that processes nothing itself: its worker runs (mail, moves, sweeps) but leaves recordings to
    runners."""
    with live_server(
        tmp_path,
        media={"worker_in_server": True, "local_processing": False, "job_lease_seconds": 5},
        uploads={"max_bytes": 100_000_000},
    ) as server:
        yield server


class Runners:
    def __init__(self, live: Live, root: Path) -> None:
        self.live = live
        self.root = root
        self.procs: list[subprocess.Popen] = []

    def start(self, name: str, *extra: str, token: str | None = None) -> subprocess.Popen:
        state = self.root / name / "runner.json"
        state.parent.mkdir(exist_ok=True)
        if token is None and not state.exists():
            token = runners.create_registration_token(self.live.db, name, "test")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOXINTERVIEW_")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "boxinterview", "runner", "--server", self.live.base, "--name", name]
            + ["--state", str(state), *(["--token", token] if token else []), *extra],
            cwd=state.parent,
            env=env,
            stdout=(state.parent / "out.log").open("ab"),
            stderr=(state.parent / "runner.log").open("ab"),
        )
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> str:
        return (self.root / name / "runner.log").read_text()

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.fixture
def runner_procs(live: Live, tmp_path: Path) -> Iterator[Runners]:
    made = Runners(live, tmp_path)
    yield made
    made.stop()


def until(check: Callable[[], object], timeout: float = 60.0, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(step)


def recording(live: Live, clip: Path) -> int:
    return uploaded((live.settings, live.db, live.interview), clip)


def test_a_runner_makes_a_recording_ready_that_the_server_left_alone(live, runner_procs, clips) -> None:
    rid = recording(live, make("vp8_opus.webm", clips, seconds=2))
    time.sleep(1.5)  # the server's worker claims every half second at most: it had its chances
    job = job_of(live.db, rid)
    assert (job.state, job.attempts) == ("queued", 0)
    # meanwhile reviewers can watch its preview, which the server makes itself (a copy, not an encode)
    until(lambda: recordings.get(live.db, rid).preview_path)
    preview = Path(recordings.get(live.db, rid).preview_path or "")
    assert preview.is_file()
    first = runner_procs.start("first", "--once")
    assert first.wait(timeout=90) == 0, runner_procs.log("first")
    rec = recordings.get(live.db, rid)
    assert rec.state is RecordingState.READY, runner_procs.log("first")
    assert rec.preview_path is None and not preview.exists()
    assert Path(rec.playback_path).name == "playback.mp4"
    assert stored(live.db, rec.playback_path, live.root / "looked-at").stat().st_size > 0
    assert stored(live.db, rec.poster_path, live.root / "looked-at").stat().st_size > 0
    assert rec.loudness_lufs is not None
    assert 1500 <= rec.duration_ms <= 2500
    job = job_of(live.db, rid)
    assert (job.state, job.attempts) == ("done", 1)
    state = runner_procs.root / "first" / "runner.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert "bxrun_" in state.read_text()
    # Started again, it uses its saved token: the registration token is spent.
    again = runner_procs.start("first", "--once")
    assert again.wait(timeout=30) == 0, runner_procs.log("first")
    assert "registered" not in (runner_procs.root / "first" / "out.log").read_text().split("\n", 1)[1]
    [(runner, _)] = runners.listing(live.db)
    assert runner.name == "first"


def test_a_killed_runner_s_job_is_finished_by_another(live, runner_procs, clips) -> None:
    clip = make("vp8_opus.webm", clips, seconds=8)
    rid = recording(live, clip)
    doomed = runner_procs.start("doomed")
    # The job is in the runner's hands once it is leased to it and its recording is being processed (the server
    # moves the recording just after the lease, in the same request).
    until(
        lambda: (
            (job_of(live.db, rid).lease_owner or "").startswith("runner:")
            and recordings.get(live.db, rid).state is RecordingState.PROCESSING
        ),
        timeout=30,
        step=0.02,
    )
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    taken_at = time.monotonic()
    held = job_of(live.db, rid)
    assert held.state == "running" and recordings.get(live.db, rid).state is RecordingState.PROCESSING
    runner_procs.start("rescuer")
    until(lambda: recordings.get(live.db, rid).state is RecordingState.READY, timeout=90)
    assert (
        time.monotonic() - taken_at >= 3
    )  # not before the dead runner's lease ran out (5 s from its last word)
    job = job_of(live.db, rid)
    assert (job.state, job.attempts) == ("done", 2)
    assert not list(Path(recordings.get(live.db, rid).original_path).parent.glob("runner-*"))


def test_a_runner_stopped_with_sigterm_hands_its_job_back_at_once(live, runner_procs, clips) -> None:
    rid = recording(live, make("vp8_opus.webm", clips, seconds=8))
    proc = runner_procs.start("leaving")
    until(lambda: (job_of(live.db, rid).lease_owner or "").startswith("runner:"), timeout=30, step=0.02)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0, runner_procs.log("leaving")
    job = job_of(live.db, rid)
    if recordings.get(live.db, rid).state is not RecordingState.READY:  # it did not finish first
        assert (job.state, job.attempts, job.lease_owner) == ("queued", 0, None)
    assert "handing job" in runner_procs.log("leaving") or job.state == "done"


def test_a_removed_runner_stops(live, runner_procs) -> None:
    proc = runner_procs.start("removed")
    until(lambda: runners.listing(live.db), timeout=30)
    [(runner, _)] = runners.listing(live.db)
    runners.remove(live.db, runner.id, "test")
    assert proc.wait(timeout=20) == 3
    assert "does not accept this runner" in runner_procs.log("removed")


def test_a_runner_makes_the_team_s_videos_playable(live, runner_procs, clips) -> None:
    good = added(live.settings, live.db, live.interview, make("vp8_opus.webm", clips, seconds=1).read_bytes())
    bad = added(live.settings, live.db, live.interview, b"not a video", live.interview.questions[0].id)
    time.sleep(1)
    assert interview_media.get(live.db, good).state == "processing"  # the server left it to runners
    proc = runner_procs.start("team", "--once")
    assert proc.wait(timeout=90) == 0, runner_procs.log("team")
    ready = interview_media.get(live.db, good)
    assert ready.state == "ready" and Path(ready.playback_path).suffix == ".mp4"
    assert stored(live.db, ready.playback_path, live.root / "looked-at").stat().st_size > 0
    assert 500 <= ready.duration_ms <= 1500
    refused = interview_media.get(live.db, bad)
    assert refused.state == "rejected" and "not a video" in refused.reason
    assert [team_job_of(live.db, i).state for i in (good, bad)] == ["done", "done"]
