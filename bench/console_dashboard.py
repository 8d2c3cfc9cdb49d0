"""The console's dashboard at scale: 10,000 candidates of whom 1,000 are uploading right now. Measures the time
of one refresh (the store read and the screen update) and how long a key press waits while the dashboard keeps
refreshing. Target: ≤ 50 ms per refresh.

    .venv/bin/python bench/console_dashboard.py [--candidates 10000] [--uploads 1000] [--refreshes 40]

Seeding writes rows straight into a scratch database (a fixture generator, not product code)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from boxinterview import clock
from boxinterview.config.settings import load_settings
from boxinterview.domain import interview_io, interviews
from boxinterview.domain.models import InterviewStatus
from boxinterview.ops import dashboard, datadir
from boxinterview.store import Database
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.screens.dashboard import DashboardScreen

INTERVIEW = """\
title: Scale
role: Scale
questions:
  - {prompt: Talk, kind: video, answer_seconds: 120, takes: 3}
  - {prompt: Talk more, kind: video, answer_seconds: 120, takes: 3}
"""


def seed(db: Database, n: int, uploading: int) -> None:
    iv = interviews.create(db, interview_io.from_yaml(INTERVIEW), "bench")
    interviews.set_status(db, iv, InterviewStatus.OPEN, "bench")
    q = interviews.get(db, iv).questions[0].id
    now = clock.now()
    stamp = clock.to_db(now)
    minute = int(now.timestamp() // 60)

    def fill(con) -> None:
        for i in range(n):
            con.execute(
                "INSERT INTO candidates (name, email, created_at) VALUES (?, ?, ?)",
                (f"Candidate {i}", f"c{i}@example.com", stamp),
            )
            cid = con.last_insert_rowid()
            status = "started" if i < uploading else "completed"
            con.execute(
                "INSERT INTO invitations (interview_id, candidate_id, number, token_hash, deadline, status, "
                "created_at, started_at, consent_at, consent_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '1')",
                (
                    iv,
                    cid,
                    i + 1,
                    f"h{i}",
                    clock.to_db(now.replace(year=now.year + 1)),
                    status,
                    stamp,
                    stamp,
                    stamp,
                ),
            )
            inv = con.last_insert_rowid()
            con.execute(
                "INSERT INTO answers (invitation_id, question_id, started_at) VALUES (?, ?, ?)",
                (inv, q, stamp),
            )
            if i < uploading:
                answer = con.last_insert_rowid()
                con.execute(
                    "INSERT INTO takes (answer_id, number, created_at) VALUES (?, 1, ?)", (answer, stamp)
                )
                con.execute(
                    "INSERT INTO recordings (take_id, created_at, updated_at) VALUES (?, ?, ?)",
                    (con.last_insert_rowid(), stamp, stamp),
                )
                con.execute(
                    "INSERT INTO uploads (id, recording_id, length, received, created_at, updated_at, expires_at) "
                    "VALUES (?, ?, 20000000, ?, ?, ?, ?)",
                    (
                        f"{i:032x}",
                        con.last_insert_rowid(),
                        (i * 7919) % 20_000_000,
                        stamp,
                        stamp,
                        clock.to_db(now.replace(year=now.year + 1)),
                    ),
                )
        for m in range(60):
            con.execute("INSERT INTO upload_traffic VALUES (?, ?)", (minute - m, 50_000_000))

    db.write(fill)


async def keys(pilot, table, presses: int) -> list[float]:
    """Milliseconds from a key press to the cursor having moved."""
    out = []
    step = "down"
    for _ in range(presses):
        before = table.cursor_row
        if before in (0, table.row_count - 1):  # back and forth through the rows
            step = "down" if before == 0 else "up"
        key = step
        t0 = time.perf_counter()
        await pilot.press(key)
        while table.cursor_row == before:
            if time.perf_counter() - t0 > 5:
                raise RuntimeError(
                    f"the cursor did not move from row {before} of {table.row_count} on {key!r}"
                )
            await asyncio.sleep(0.001)
        out.append((time.perf_counter() - t0) * 1000)
        await pilot.pause(0.05)
    return out


async def measure_screen(settings, db, refreshes: int) -> tuple[list[float], list[float], list[float]]:
    app = ConsoleApp(settings, db)
    refresh_ms: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        for _ in range(refreshes):
            t0 = time.perf_counter()
            found = await asyncio.to_thread(dashboard.dashboard, db, settings)
            screen.show(found)
            await pilot.pause()  # the screen is drawn
            refresh_ms.append((time.perf_counter() - t0) * 1000)
        table = screen.query_one("#uploads")
        table.focus()
        busy = await keys(pilot, table, refreshes)  # the dashboard goes on refreshing every second meanwhile
        screen.refresher.pause()
        quiet = await keys(pilot, table, refreshes)  # the same with refreshing stopped: the pilot's own cost
    return refresh_ms, busy, quiet


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--uploads", type=int, default=1_000)
    parser.add_argument("--refreshes", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(environ={"BOXINTERVIEW_DATA_DIR": str(Path(tmp) / "var")})
        datadir.init(settings.data_dir)
        db = Database.open(settings.database_path)
        seed(db, args.candidates, args.uploads)
        reads = []
        for _ in range(args.refreshes):
            t0 = time.perf_counter()
            dashboard.dashboard(db, settings)
            reads.append((time.perf_counter() - t0) * 1000)
        refresh, busy, quiet = asyncio.run(measure_screen(settings, db, args.refreshes))
        db.close()
    print(f"{args.candidates} candidates, {args.uploads} uploading, {args.refreshes} refreshes")
    for name, values in (
        ("store read", reads),
        ("refresh (read + screen)", refresh),
        ("key press, refreshing", busy),
        ("key press, not refreshing", quiet),
    ):
        print(
            f"{name:<24} p50 {statistics.median(values):6.1f} ms  p95 {pct(values, 95):6.1f} ms  "
            f"max {max(values):6.1f} ms"
        )


if __name__ == "__main__":
    main()
