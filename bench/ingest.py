"""Ingest: many candidates' browsers uploading at once, against boxinterview and against @tus/server.

Each simulated recorder opens one upload and PATCHes a 250 KB chunk every second for 60 s, as a browser does
while recording. Reported per server and N: chunk-acknowledge latency p50/p99, throughput, errors. Both servers
run on the same machine and disk, one after the other, with the same load generator. boxinterview fsyncs every
chunk before acknowledging it; @tus/server's file store does not.

    .venv/bin/python bench/ingest.py [--recorders 50,200,500] [--seconds 60]

The first run installs @tus/server from npm into bench/tus-node/node_modules.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from _harness import Server, free_port

CHUNK = 250_000
TUS = {"Tus-Resumable": "1.0.0"}
NODE_DIR = Path(__file__).parent / "tus-node"


class NodeTus:
    name = "@tus/server"

    def __init__(self, root: Path) -> None:
        if not (NODE_DIR / "node_modules").exists():
            subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)
        self.port = free_port()
        (root / "files").mkdir()
        self.proc = subprocess.Popen(
            ["node", str(NODE_DIR / "server.mjs"), str(self.port), str(root / "files")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.proc.stdout is not None
        self.proc.stdout.readline()  # "listening on ..."
        self.create_url = f"http://127.0.0.1:{self.port}/files"

    def metadata(self) -> str:
        return "filetype " + base64.b64encode(b"video/webm").decode()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class Ours:
    name = "boxinterview"

    def __init__(self, root: Path, recorders: int) -> None:
        self.server = Server(root, media={"worker_in_server": False})
        self.create_url = self.server.url("/api/v1/uploads/")
        question = str(self.server.interview.questions[0].id)
        self.tokens = [self.server.candidate() for _ in range(recorders)]
        self.question = question

    def metadata(self) -> str:
        meta = {"token": self.tokens.pop(), "question": self.question, "take": "1", "filetype": "video/webm"}
        return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())

    def close(self) -> None:
        self.server.close()


async def recorder(session: aiohttp.ClientSession, target, seconds: int, start: float, out: dict) -> None:
    body = os.urandom(CHUNK)
    async with session.post(
        target.create_url,
        headers={**TUS, "Upload-Length": str(CHUNK * seconds), "Upload-Metadata": target.metadata()},
    ) as r:
        if r.status != 201:
            out["errors"].append(f"create {r.status}: {(await r.text())[:100]}")
            return
        location = r.headers["Location"]
    url = location if location.startswith("http") else str(r.url.join(aiohttp.client.URL(location)))
    await asyncio.sleep(
        max(0.0, start + random.random() - time.monotonic())
    )  # recorders start at different moments
    first = time.monotonic()
    for i in range(seconds):
        await asyncio.sleep(max(0.0, first + i - time.monotonic()))
        sent = time.monotonic()
        try:
            async with session.patch(
                url,
                data=body,
                headers={
                    **TUS,
                    "Upload-Offset": str(i * CHUNK),
                    "Content-Type": "application/offset+octet-stream",
                },
            ) as r:
                await r.read()
                if r.status != 204:
                    out["errors"].append(f"patch {r.status}")
                    return
        except aiohttp.ClientError as exc:
            out["errors"].append(f"patch {type(exc).__name__}")
            return
        out["latencies"].append(time.monotonic() - sent)
        out["bytes"] += CHUNK


async def load(target, recorders: int, seconds: int) -> dict:
    out: dict = {"latencies": [], "errors": [], "bytes": 0}
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        start = time.monotonic() + 1.0
        began = time.monotonic()
        await asyncio.gather(*(recorder(session, target, seconds, start, out) for _ in range(recorders)))
        out["elapsed"] = time.monotonic() - began
    return out


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recorders", default="50,200,500")
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.seconds} s, one {CHUNK // 1000} KB chunk per recorder per second"
    )
    print("| recorders | server | ack p50 | ack p99 | MB/s | chunks | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for n in map(int, args.recorders.split(",")):
        for make in (lambda root, n=n: Ours(root, n), NodeTus):
            root = Path(tempfile.mkdtemp(prefix="boxinterview-ingest-"))
            target = make(root)
            try:
                result = asyncio.run(load(target, n, args.seconds))
            finally:
                target.close()
                shutil.rmtree(root, ignore_errors=True)
            lat = result["latencies"]
            errors = result["errors"]
            print(
                f"| {n} | {target.name} | {percentile(lat, 0.5) * 1000:.1f} ms | {percentile(lat, 0.99) * 1000:.1f} ms | "
                f"{result['bytes'] / 1e6 / result['elapsed']:.1f} | {len(lat)} | "
                f"{len(errors)}{' (' + errors[0] + ')' if errors else ''} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
