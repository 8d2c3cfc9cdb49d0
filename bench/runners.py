"""Remote runners draining a queue: how many answers a minute 1, 2 and 4 runners process, and what the protocol
costs each job beside the media work.

A server with `media.local_processing: false` holds a queue of VP8 answers (what Firefox records; the server
re-encodes them to H.264, the costliest case). Runner processes on this machine register with one-time tokens
and drain the queue; each is pinned to one core with `taskset` (runner i on core i mod the cores) and runs
ffmpeg with one thread, as a one-core runner machine would. For comparison, the server alone does the same work
with its own worker (`max_ffmpeg` 2, all cores).

    .venv/bin/python bench/runners.py [--answers 40] [--seconds 20] [--runners 1,2,4] [--no-local]
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from _harness import Server, clip
from boxinterview.domain import recordings, runners, uploads
from boxinterview.domain.models import RecordingState

TUS = {"Tus-Resumable": "1.0.0"}
DONE = re.compile(r"job \d+ done: .* in ([\d.]+) s \(media work ([\d.]+) s")


def queue(server: Server, data: bytes, answers: int) -> list[int]:
    """Upload `answers` takes at once (not at a recording's pace): each becomes a queued processing job."""
    ids = []
    session = requests.Session()
    for _ in range(answers):
        meta = {
            "token": server.candidate(),
            "question": str(server.interview.questions[0].id),
            "take": "1",
            "filetype": "video/webm;codecs=vp8,opus",
        }
        header = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
        r = session.post(
            server.url("/api/v1/uploads/"),
            headers={**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": header},
            timeout=30,
        )
        r.raise_for_status()
        url = server.url(r.headers["Location"])
        session.patch(
            url,
            data=data,
            timeout=60,
            headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        ).raise_for_status()
        ids.append(uploads.get(server.db, url.rsplit("/", 1)[1]).recording_id)
    return ids


def wait_ready(server: Server, ids: list[int]) -> None:
    while True:
        states = [recordings.get(server.db, i).state for i in ids]
        bad = [s for s in states if s in (RecordingState.REJECTED, RecordingState.FAILED)]
        assert not bad, f"{len(bad)} recording(s) did not become ready: see {server.root / 'server.log'}"
        if all(s is RecordingState.READY for s in states):
            return
        time.sleep(0.2)


def with_runners(count: int, answers: int, data: bytes) -> dict:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = Server(
            root,
            media={"local_processing": False, "duration_tolerance_seconds": 10, "job_lease_seconds": 60},
        )
        procs: list[subprocess.Popen] = []
        logs: list[Path] = []
        try:
            ids = queue(server, data, answers)
            env = {k: v for k, v in os.environ.items() if not k.startswith("BOXINTERVIEW_")}
            env["BOXINTERVIEW_MEDIA_FFMPEG_THREADS"] = "1"
            started = time.monotonic()
            for i in range(count):
                token = runners.create_registration_token(server.db, f"bench {i}", "bench")
                log = root / f"runner-{i}.log"
                logs.append(log)
                work = root / f"runner-{i}"
                work.mkdir()
                procs.append(
                    subprocess.Popen(
                        [
                            "taskset",
                            "-c",
                            str(i % cores),
                            sys.executable,
                            "-m",
                            "boxinterview",
                            "runner",
                            "--server",
                            server.url(""),
                            "--token",
                            token,
                            "--name",
                            f"bench-{i}",
                            "--state",
                            str(root / f"runner-{i}.json"),
                            "--work-dir",
                            str(work),
                            "--once",
                        ],
                        env=env,
                        cwd=work,
                        stdout=subprocess.DEVNULL,
                        stderr=log.open("wb"),
                    )
                )
            wait_ready(server, ids)
            elapsed = time.monotonic() - started
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(30)
            server.close()
        texts = [log.read_text() for log in logs]
    jobs = [(float(a), float(b)) for text in texts for a, b in DONE.findall(text)]
    assert len(jobs) >= answers, (
        f"runners logged {len(jobs)} finished jobs, not {answers}:\n{texts[0][-3000:]}"
    )
    return {
        "runners": count,
        "elapsed_s": elapsed,
        "answers_per_min": answers / elapsed * 60,
        "job_s": statistics.median(total for total, _ in jobs),
        "media_s": statistics.median(media for _, media in jobs),
        "overhead_s": statistics.median(total - media for total, media in jobs),
    }


def server_alone(answers: int, data: bytes) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(
            Path(tmp),
            media={"max_ffmpeg": 2, "live_transcodes": 0, "duration_tolerance_seconds": 10},
        )
        try:
            ids = queue(server, data, answers)
            started = time.monotonic()
            wait_ready(server, ids)
            elapsed = time.monotonic() - started
        finally:
            server.close()
    return {"runners": 0, "elapsed_s": elapsed, "answers_per_min": answers / elapsed * 60}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--answers", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=20, help="length of each answer")
    parser.add_argument("--runners", default="1,2,4")
    parser.add_argument("--no-local", action="store_true", help="skip the server-alone comparison")
    args = parser.parse_args()
    assert shutil.which("taskset"), "taskset (util-linux) is needed to pin each runner to a core"
    data = clip("vp8", args.seconds).read_bytes()
    print(
        f"{args.answers} VP8 answers of {args.seconds} s, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    print("| runners | drained in | answers/min | job (median) | media work | protocol overhead |")
    print("| --- | --- | --- | --- | --- | --- |")
    if not args.no_local:
        r = server_alone(args.answers, data)
        print(
            f"| none (server's worker) | {r['elapsed_s']:.0f} s | {r['answers_per_min']:.1f} | | | |",
            flush=True,
        )
    for n in (int(x) for x in args.runners.split(",")):
        r = with_runners(n, args.answers, data)
        print(
            f"| {n} | {r['elapsed_s']:.0f} s | {r['answers_per_min']:.1f} | {r['job_s']:.2f} s | "
            f"{r['media_s']:.2f} s | {r['overhead_s']:.2f} s |",
            flush=True,
        )
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
