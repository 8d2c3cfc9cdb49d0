"""The job queue and worker: each job done once, retries with backoff, takeover after a crash, clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from boxinterview import clock
from boxinterview.domain import recordings
from boxinterview.domain.models import RecordingState
from boxinterview.pipeline import job_queue as jobs
from boxinterview.pipeline.outcomes import backoff
from boxinterview.pipeline.worker import Worker
from boxinterview.store import jobs as jobs_sql
from boxinterview.store import outbox as outbox_sql
from tests.media.test_processing import uploaded
from tests.support.clips import make
from tests.support.live import prepare


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


def make_env(tmp_path: Path, **media):
    path, settings, db, interview = prepare(
        tmp_path, media={"job_lease_seconds": 5, **media}, uploads={"max_bytes": 100_000_000}
    )
    return path, (settings, db, interview)


def job_of(db, recording_id: int) -> jobs_sql.Job:
    [job] = [
        j
        for j in db.read(jobs_sql.recent, 1000)
        if (j.kind, j.subject_id) == (recordings.PROCESS_JOB, recording_id)
    ]
    return job


async def run_until(worker_or_workers, predicate, timeout: float = 30.0) -> None:
    stop = asyncio.Event()
    workers = worker_or_workers if isinstance(worker_or_workers, list) else [worker_or_workers]
    tasks = [asyncio.create_task(w.run(stop)) for w in workers]
    try:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def test_two_workers_process_each_job_exactly_once(tmp_path: Path, clips) -> None:
    _, env = make_env(tmp_path)
    settings, db, _ = env
    ids = [uploaded(env, make("vp8_opus.webm", clips, seconds=1 + i / 10)) for i in range(4)]
    workers = [Worker(db, settings, name="w1"), Worker(db, settings, name="w2")]
    await run_until(workers, lambda: all(recordings.get(db, i).state is RecordingState.READY for i in ids))
    for i in ids:
        job = job_of(db, i)
        assert (job.state, job.attempts, job.progress) == ("done", 1, 1.0)
    processing = [j.state for j in db.read(jobs_sql.recent, 1000) if j.kind == recordings.PROCESS_JOB]
    assert processing == ["done"] * 4


async def test_failures_retry_with_backoff_then_fail_with_the_reason(tmp_path: Path, clips) -> None:
    path, settings, db, interview = prepare(
        tmp_path,
        media={"job_lease_seconds": 5, "ffmpeg": "/bin/false", "job_max_attempts": 2},
        smtp={"operator": "ops@example.com"},
    )
    env = (settings, db, interview)
    settings, db, _ = env
    rid = uploaded(env, make("vp8_opus.webm", clips))
    before = clock.now()
    await run_until(
        Worker(db, settings), lambda: job_of(db, rid).attempts == 1 and job_of(db, rid).state == "queued"
    )
    job = job_of(db, rid)
    assert "ffmpeg exited with status 1" in job.last_error
    assert before + backoff(1) <= job.run_after <= clock.now() + backoff(1)
    assert backoff(1) < backoff(2) < backoff(3) and backoff(30) == timedelta(minutes=10)
    db.write(
        lambda con: con.execute(
            "UPDATE jobs SET run_after = ? WHERE id = ?", (clock.to_db(clock.now()), job.id)
        )
    )
    await run_until(Worker(db, settings), lambda: job_of(db, rid).state == "failed")
    rec = recordings.get(db, rid)
    assert rec.state is RecordingState.FAILED and rec.reason == recordings.FAILED_ON_OUR_SIDE
    assert "ffmpeg" not in rec.reason and "exited" not in rec.reason  # the candidate reads it
    [alert] = [m for m in db.read(outbox_sql.recent) if m["kind"] == "alert.processing"]
    assert alert["recipient"] == "ops@example.com" and f"jobs --retry {job.id}" in alert["body"]
    jobs.retry(db, job.id, "test")  # the operator retries from the console or CLI
    assert job_of(db, rid).state == "queued" and recordings.get(db, rid).state is RecordingState.PROCESSING


def start_worker(config: Path, cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOXINTERVIEW_")}
    return subprocess.Popen(
        [sys.executable, "-m", "boxinterview", "--config", str(config), "worker"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(cwd / "worker.log").open("ab"),
    )


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def ffmpeg_children(pid: int) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,ppid,comm"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines()[1:] if line.split()[1] == str(pid) and "ffmpeg" in line]


def transcoding(db, rid: int, pid: int) -> bool:
    """The worker `pid` is in the middle of the playback transcode: its ffmpeg writes the partial file (not a
    quicker step before or after it, which a signal could miss)."""
    folder = Path(recordings.get(db, rid).original_path).parent
    return bool(list(folder.glob("playback.*.tmp.mp4"))) and bool(ffmpeg_children(pid))


@pytest.mark.slow
def test_a_worker_killed_mid_transcode_has_its_job_taken_over(tmp_path: Path, clips) -> None:
    config, env = make_env(tmp_path, x264_preset="fast", duration_tolerance_seconds=15)
    settings, db, _ = env
    rid = uploaded(env, make("h264_1080.mp4", clips, seconds=8), file_type="video/mp4")
    first = start_worker(config, tmp_path)
    wait_for(lambda: transcoding(db, rid, first.pid))
    time.sleep(0.5)
    first.kill()  # SIGKILL: no chance to hand the job back
    first.wait()
    # its ffmpeg died with it (no orphan writing on)
    mine = f"{settings.data_dir}/recordings/{rid}/playback"  # not another test's, elsewhere on the machine
    wait_for(lambda: subprocess.run(["pgrep", "-f", mine]).returncode != 0, 10)
    assert job_of(db, rid).state == "running"  # still leased to the dead worker
    second = start_worker(config, tmp_path)
    try:
        wait_for(lambda: recordings.get(db, rid).state is RecordingState.READY, 90)
    finally:
        second.terminate()
        second.wait(10)
    job = job_of(db, rid)
    assert (job.state, job.attempts) == ("done", 2)
    folder = Path(recordings.get(db, rid).playback_path).parent
    assert sorted(p.name for p in folder.iterdir()) == ["original.mp4", "playback.mp4", "poster.jpg"]


@pytest.mark.slow
def test_sigterm_stops_the_worker_cleanly_and_hands_the_job_back(tmp_path: Path, clips) -> None:
    config, env = make_env(tmp_path, x264_preset="fast", duration_tolerance_seconds=15)
    settings, db, _ = env
    rid = uploaded(env, make("h264_1080.mp4", clips, seconds=8), file_type="video/mp4")
    worker = start_worker(config, tmp_path)
    wait_for(lambda: transcoding(db, rid, worker.pid))
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=15) == 0
    assert ffmpeg_children(worker.pid) == []
    job = job_of(db, rid)
    assert (job.state, job.attempts, job.lease_owner) == ("queued", 0, None)
    assert recordings.get(db, rid).state is RecordingState.PROCESSING
    assert not list(Path(recordings.get(db, rid).original_path).parent.glob("*.tmp.*"))
