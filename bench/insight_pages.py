"""Insight pages at scale: the demo interview enlarged with `boxinterview demo --candidates N` (10,000 by
default: plausible journeys, device checks, answers, three reviewers' scores, decisions, ratings), measured over
HTTP as an admin. Target: p95 ≤ 100 ms per insight page.

    .venv/bin/python bench/insight_pages.py [--candidates 10000] [--requests 30]"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import requests

from _harness import Server, sign_in
from boxinterview.cli import demo
from boxinterview.cli import demo_history as synthetic
from boxinterview.domain import accounts, interviews
from boxinterview.domain.models import Role


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp), media={"worker_in_server": False})
        try:
            run(server, args)
        finally:
            server.close()


def run(server: Server, args: argparse.Namespace) -> None:
    interview = interviews.get(server.db, demo.run(server.db, server.settings).interview_id)
    t0 = time.perf_counter()
    synthetic.add(server.db, interview, args.candidates)
    seeded = time.perf_counter() - t0
    _, password = accounts.create(server.db, "boss@example.com", Role.ADMIN, "bench")
    s = requests.Session()
    sign_in(s, server.url(""), "boss@example.com", password)
    print(f"{args.candidates} made-up candidates added in {seeded:.1f} s")
    for name, path in (
        ("interview insight", f"/review/interviews/{interview.id}/insight?period=all"),
        ("all interviews", "/review/insight?period=all"),
    ):
        s.get(server.url(path)).raise_for_status()  # warm
        times = []
        for _ in range(args.requests):
            t = time.perf_counter()
            r = s.get(server.url(path))
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{name:<18} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  max {max(times):6.1f} ms"
        )


if __name__ == "__main__":
    main()
