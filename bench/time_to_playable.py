"""Time to playable: from the last byte of an answer acknowledged to its playback file ready.

Each simulated candidate uploads a 1280x720 answer the way the browser does while recording: one chunk per
second of media (a real-time pace), deferred length, then the final chunk with its Upload-Length. Scenarios run
one answer at a time and several at once (all starting and finishing together), for H.264 (Chromium and Safari
record it; the server only remuxes) and VP8 (Firefox's, and the fallback; the server re-encodes).

"Ready" is the recording's state turning to ready: its verified MP4 (H.264/AAC, faststart) and poster exist, so
it plays in every browser. "Watchable" is the first moment a reviewer can play it in a browser that plays WebM
(Chromium, Firefox, Edge): its preview is named in the store, or it is ready. Reported per scenario: the median,
the p95 (nearest rank: with 4 answers, the slowest) and the max over every answer of every repetition, how many
were followed live to the end, and how many got a preview.

    .venv/bin/python bench/time_to_playable.py [--seconds 30,120] [--parallel 1,4] [--formats h264,vp8]
        [--repeat N] [--fast]
"""

from __future__ import annotations

import argparse
import base64
import math
import os
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from _harness import Server, clip
from boxinterview.domain import recordings, uploads
from boxinterview.domain.models import RecordingState

TUS = {"Tus-Resumable": "1.0.0"}


def upload(
    server: Server, data: bytes, seconds: int, realtime: bool, filetype: str, started: list[int]
) -> tuple[int, float]:
    """Upload like a recording browser (its recording id goes into `started` at once); return (recording id, time
    of the last acknowledgement)."""
    meta = {
        "token": server.candidate(),
        "question": str(server.interview.questions[0].id),
        "take": "1",
        "filetype": filetype,
    }
    header = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
    r = requests.post(
        server.url("/api/v1/uploads/"),
        headers={**TUS, "Upload-Defer-Length": "1", "Upload-Metadata": header},
        timeout=30,
    )
    r.raise_for_status()
    url = server.url(r.headers["Location"])
    started_id = uploads.get(server.db, url.rsplit("/", 1)[1]).recording_id
    started.append(started_id)
    per_second = max(1, len(data) // seconds)
    started = time.monotonic()
    offset = 0
    session = requests.Session()
    for i in range(seconds):
        chunk = data[offset : offset + per_second] if i < seconds - 1 else data[offset:]
        extra = {"Upload-Length": str(len(data))} if i == seconds - 1 else {}
        if realtime:
            time.sleep(max(0.0, started + i + 1 - time.monotonic()))
        resp = session.patch(
            url,
            data=chunk,
            timeout=60,
            headers={
                **TUS,
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
                **extra,
            },
        )
        resp.raise_for_status()
        offset += len(chunk)
    last_ack = time.time()
    assert int(resp.headers["Upload-Offset"]) == len(data)
    return started_id, last_ack


class Watch(threading.Thread):
    """Notes, every 20 ms, when each started recording was first seen with a preview or ready."""

    def __init__(self, server: Server, started: list[int]) -> None:
        super().__init__(daemon=True)
        self.server, self.started = server, started
        self.watchable: dict[int, float] = {}
        self.previewed: set[int] = set()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for rid in list(self.started):
                if rid in self.watchable:
                    continue
                rec = recordings.get(self.server.db, rid)
                if rec.preview_path:
                    self.previewed.add(rid)
                if rec.preview_path or rec.state is RecordingState.READY:
                    self.watchable[rid] = time.time()
            time.sleep(0.02)


def p95(values: list[float]) -> float:
    """Nearest rank: the smallest value at least 95 % of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def run(kind: str, seconds: int, parallel: int, realtime: bool) -> dict:
    """One scenario with the default media settings; the waits of each answer, CPU and sizes."""
    source = clip(kind, seconds)
    data = source.read_bytes()
    filetype = "video/webm;codecs=vp8,opus" if kind == "vp8" else "video/x-matroska;codecs=avc1,opus"
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp), log_level="info", media={"duration_tolerance_seconds": 10})
        try:
            cpu_before = server.cpu_seconds()
            results: list[tuple[int, float]] = []
            started: list[int] = []
            watch = Watch(server, started)
            watch.start()
            threads = [
                threading.Thread(
                    target=lambda: results.append(upload(server, data, seconds, realtime, filetype, started))
                )
                for _ in range(parallel)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            waits, sizes, watchable = [], [], []
            for rid, last_ack in results:
                while (rec := recordings.get(server.db, rid)).state not in (
                    RecordingState.READY,
                    RecordingState.REJECTED,
                    RecordingState.FAILED,
                ):
                    time.sleep(0.02)
                assert rec.state is RecordingState.READY, rec.reason
                ready_at = rec.updated_at.astimezone(UTC).timestamp() if rec.updated_at else time.time()
                waits.append(max(0.0, ready_at - last_ack))
                while rid not in watch.watchable:
                    time.sleep(0.02)
                watchable.append(max(0.0, min(watch.watchable[rid], ready_at) - last_ack))
                sizes.append(Path(rec.playback_path).stat().st_size)
            time.sleep(0.5)  # let the server reap ffmpeg so its CPU time is counted
            cpu = server.cpu_seconds() - cpu_before
            log = (Path(tmp) / "server.log").read_text()
            followed = sum(f"recording {rid}: live transcode finished" in log for rid, _ in results)
        finally:
            watch.done.set()
            server.close()
    return {
        "waits": waits,
        "watchable": watchable,
        "cpu": cpu,
        "bytes": sum(sizes),
        "live": followed,
        "previews": len(watch.previewed),
    }


def scenario(kind: str, seconds: int, parallel: int, realtime: bool, repeat: int) -> dict:
    runs = [run(kind, seconds, parallel, realtime) for _ in range(repeat)]
    waits = [w for r in runs for w in r["waits"]]
    watchable = [w for r in runs for w in r["watchable"]]
    minutes = seconds * parallel * repeat / 60
    return {
        "format": kind,
        "seconds": seconds,
        "parallel": parallel,
        "ready_s_median": statistics.median(waits),
        "ready_s_p95": p95(waits),
        "ready_s_max": max(waits),
        "watchable_s_median": statistics.median(watchable),
        "watchable_s_p95": p95(watchable),
        "watchable_s_max": max(watchable),
        "live": f"{sum(r['live'] for r in runs)}/{len(waits)}",
        "previews": f"{sum(r['previews'] for r in runs)}/{len(waits)}",
        "cpu_s_per_answer_min": sum(r["cpu"] for r in runs) / minutes,
        "playback_mb_per_answer_min": sum(r["bytes"] for r in runs) / 1e6 / minutes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", default="30,120")
    parser.add_argument("--parallel", default="1,4")
    parser.add_argument("--formats", default="h264,vp8")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each scenario, their answers pooled")
    parser.add_argument(
        "--fast", action="store_true", help="upload as fast as possible instead of in real time"
    )
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, pace: {'as fast as possible' if args.fast else 'real time'}, "
        f"{args.repeat} run(s) each, load average at start {load}"
    )
    print(
        "| format | answer | at once | watchable in Chromium and Firefox (median / p95 / max) | "
        "ready for every browser (median / p95 / max) | previews | followed live | "
        "CPU s per answer-min | playback MB per answer-min |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in args.formats.split(","):
        for seconds in map(int, args.seconds.split(",")):
            for parallel in map(int, args.parallel.split(",")):
                r = scenario(kind, seconds, parallel, not args.fast, args.repeat)
                print(
                    f"| {r['format']} | {r['seconds']} s | {r['parallel']} | {r['watchable_s_median']:.2f} s / "
                    f"{r['watchable_s_p95']:.2f} s / {r['watchable_s_max']:.2f} s | {r['ready_s_median']:.2f} s / "
                    f"{r['ready_s_p95']:.2f} s / {r['ready_s_max']:.2f} s | {r['previews']} | {r['live']} | "
                    f"{r['cpu_s_per_answer_min']:.1f} | {r['playback_mb_per_answer_min']:.1f} |",
                    flush=True,
                )
    print(f"load average at the end {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
