"""How fast do webhooks reach an applicant tracking system?

Records N events (1,000 by default), each in its own transaction as the changes that cause them do, while the
worker's deliverer runs with the default settings (but loopback allowed); a receiver on loopback, in its own
thread and event loop, checks every signature with the `standardwebhooks` library and notes when each arrived.
Reports latency from the event's transaction to its receipt (p50, p95, max) and throughput. With `--burst`
the events are all recorded first and the deliverer then works off the backlog (its own throughput; the
latencies then include the wait for the deliverer to start).

Target: all 1,000 delivered in under 10 s.

    .venv/bin/python bench/webhooks.py [--events 1000] [--poll 1.0] [--concurrency 8] [--per-endpoint 4] [--burst]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiohttp import web
from standardwebhooks.webhooks import Webhook

from boxinterview import clock
from boxinterview.config.sections import WebhookSettings
from boxinterview.config.settings import load_settings
from boxinterview.domain import webhooks
from boxinterview.ops import datadir
from boxinterview.pipeline import webhooks as delivery
from boxinterview.store import Database


class Receiver(threading.Thread):
    """An aiohttp server in its own thread and loop, as a separate system would be."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.secret = ""
        self.arrived: dict[int, float] = {}
        self.bad = 0
        self.ready = threading.Event()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            payload = Webhook(self.secret).verify(body, dict(request.headers))
        except Exception:  # noqa: BLE001 - counted, and the benchmark fails
            self.bad += 1
            return web.Response(status=400)
        self.arrived.setdefault(payload["data"]["invitation_id"], time.monotonic())
        return web.Response(status=204)

    def run(self) -> None:
        async def serve() -> None:
            app = web.Application()
            app.router.add_post("/hooks", self.handle)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.port).start()
            self.ready.set()
            await asyncio.Event().wait()

        asyncio.run(serve())


async def bench(
    events: int, poll: float, concurrency: int, per_endpoint: int, burst: bool
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(environ={"BOXINTERVIEW_DATA_DIR": str(Path(tmp) / "var")})
        settings = dataclasses.replace(
            settings,
            webhooks=WebhookSettings(
                allow_private_targets=True,
                poll_seconds=poll,
                concurrency=concurrency,
                per_endpoint=per_endpoint,
            ),
        )
        datadir.init(settings.data_dir)
        db = Database.open(settings.database_path)
        receiver = Receiver(port=_free_port())
        receiver.start()
        receiver.ready.wait(5)
        _, receiver.secret = webhooks.add(
            db, f"http://127.0.0.1:{receiver.port}/hooks", None, "bench", "bench"
        )
        stop = asyncio.Event()
        recorded: dict[int, float] = {}
        started = time.monotonic()
        if not burst:  # the deliverer runs while the events happen
            task = asyncio.create_task(delivery.run(db, settings, stop))
        for i in range(1, events + 1):
            await db.awrite(webhooks.invitation_event, "interview.completed", i, clock.now())
            recorded[i] = time.monotonic()
        all_recorded = time.monotonic() - started
        if burst:  # a backlog: the deliverer starts once every event is waiting
            started = time.monotonic()
            task = asyncio.create_task(delivery.run(db, settings, stop))
        while len(receiver.arrived) < events and time.monotonic() - started < 120:
            await asyncio.sleep(0.01)
        elapsed = time.monotonic() - started
        stop.set()
        await task
        db.close()
    latencies = sorted((receiver.arrived[i] - recorded[i]) * 1000 for i in receiver.arrived)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "events": events,
        "delivered": len(receiver.arrived),
        "bad_signatures": receiver.bad,
        "mode": "backlog" if burst else "as the events happen",
        "poll_seconds": poll,
        "concurrency": concurrency,
        "per_endpoint": per_endpoint,
        "recording_s": round(all_recorded, 2),
        "all_delivered_s": round(elapsed, 2),
        "per_second": round(len(receiver.arrived) / elapsed, 1),
        "latency_p50_ms": round(q[49], 1),
        "latency_p95_ms": round(q[94], 1),
        "latency_max_ms": round(latencies[-1], 1) if latencies else None,
        "met_target": len(receiver.arrived) == events and elapsed < 10 and receiver.bad == 0,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--poll", type=float, default=WebhookSettings().poll_seconds)
    parser.add_argument("--concurrency", type=int, default=WebhookSettings().concurrency)
    parser.add_argument("--per-endpoint", type=int, default=WebhookSettings().per_endpoint)
    parser.add_argument(
        "--burst", action="store_true", help="record every event first, then deliver the backlog"
    )
    args = parser.parse_args()
    result = asyncio.run(bench(args.events, args.poll, args.concurrency, args.per_endpoint, args.burst))
    print(json.dumps(result, indent=2))
    return 0 if result["met_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
