"""How long can the web server's event loop stall on the database?

Fills a database with an interview and its candidates (500 by default), then runs reads and writes
through the async store API from many concurrent tasks while a ticker measures how late the event loop wakes
up. The store promises the loop never waits on disk for more than a few milliseconds.

    .venv/bin/python bench/loop_latency.py [--seconds 5] [--tasks 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from boxinterview.cli.demo import demo_interview_yaml
from boxinterview.config.settings import StoreSettings
from boxinterview.domain import interview_io, interviews, invitations
from boxinterview.domain.models import InterviewStatus
from boxinterview.ops import datadir
from boxinterview.store import Database
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.web.app import SWITCH_INTERVAL_MS

TICK = 0.001


async def ticker(stop: asyncio.Event, lags: list[float]) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before = loop.time()
        await asyncio.sleep(TICK)
        lags.append((loop.time() - before - TICK) * 1000)


async def worker(
    db: Database, interview_id: int, tokens: list[str], stop: asyncio.Event, counts: dict[str, int], n: int
) -> None:
    """A mix like a busy day: candidates opening links, reviewers listing candidates, operators inviting."""
    i = 0
    while not stop.is_set():
        i += 1
        if i % 10 == 0:
            await db.call(
                invitations.invite, db, interview_id, f"Bench {n}-{i}", f"bench{n}-{i}@example.com", "bench"
            )
            counts["writes"] += 1
        elif i % 10 == 5:
            await db.aread(candidates_sql.invitations_of, interview_id)  # every candidate of the interview
            counts["lists"] += 1
        else:
            inv = await db.call(invitations.by_token, db, tokens[i % len(tokens)])
            await db.aread(interviews_sql.get, inv.interview_id)
            await db.aread(interviews_sql.summaries)
            counts["reads"] += 3


async def main(seconds: float, tasks: int, candidates: int, readers: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "var"
        datadir.init(data)
        db = Database.open(data / "boxinterview.db", readers=readers)
        template = interview_io.from_yaml(demo_interview_yaml())
        interview_id = interviews.create(db, template, "bench")
        interviews.set_status(db, interview_id, InterviewStatus.OPEN, "bench")
        tokens = [
            invitations.invite(db, interview_id, f"Seed {i}", f"seed{i}@example.com", "bench")[1]
            for i in range(candidates)
        ]
        stop = asyncio.Event()
        lags: list[float] = []
        counts = {"reads": 0, "lists": 0, "writes": 0}
        started = time.perf_counter()
        jobs = [asyncio.create_task(worker(db, interview_id, tokens, stop, counts, n)) for n in range(tasks)]
        tick = asyncio.create_task(ticker(stop, lags))
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.gather(*jobs, tick)
        elapsed = time.perf_counter() - started
        db.close()
    lags.sort()
    return {
        "seconds": round(elapsed, 2),
        "tasks": tasks,
        "candidates": candidates,
        "readers": readers,
        "switch_interval_ms": sys.getswitchinterval() * 1000,
        "reads_per_s": round(counts["reads"] / elapsed),
        "candidate_lists_per_s": round(counts["lists"] / elapsed),
        "writes_per_s": round(counts["writes"] / elapsed),
        "loop_lag_ms_p50": round(statistics.median(lags), 3),
        "loop_lag_ms_p99": round(lags[int(len(lags) * 0.99)], 3),
        "loop_lag_ms_max": round(lags[-1], 3),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--tasks", type=int, default=32)
    parser.add_argument(
        "--candidates", type=int, default=500, help="invitations in the interview before the run"
    )
    parser.add_argument("--readers", type=int, default=StoreSettings().readers, help="reader threads")
    parser.add_argument("--switch-interval-ms", type=float, help="override what the server sets")
    args = parser.parse_args()
    sys.setswitchinterval((args.switch_interval_ms or SWITCH_INTERVAL_MS) / 1000)
    result = asyncio.run(main(args.seconds, args.tasks, args.candidates, args.readers))
    json.dump(result, sys.stdout, indent=2)
    print()
