"""The store's discipline: one writer, reads on their own connections, nothing on the event loop's thread."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import apsw
import pytest

from boxinterview.store import Database, immediate
from boxinterview.store._sql import value


def _make_counter(con: apsw.Connection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS counter (n INTEGER NOT NULL)")
    if value(con, "SELECT count(*) FROM counter") == 0:
        con.execute("INSERT INTO counter VALUES (0)")


def _bump(con: apsw.Connection) -> int:
    n = value(con, "SELECT n FROM counter")
    con.execute("UPDATE counter SET n = ?", (n + 1,))  # read-modify-write: loses updates without one writer
    return n + 1


def test_concurrent_writers_from_many_threads_lose_nothing(db: Database) -> None:
    db.write(_make_counter)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: db.write(_bump), range(400)))
    assert sorted(results) == list(range(1, 401))
    assert db.read(value, "SELECT n FROM counter") == 400


def test_a_failed_write_rolls_back_entirely(db: Database) -> None:
    db.write(_make_counter)

    def bump_then_fail(con: apsw.Connection) -> None:
        _bump(con)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        db.write(bump_then_fail)
    assert db.read(value, "SELECT n FROM counter") == 0
    assert db.write(_bump) == 1  # and the writer is usable afterwards


def test_nested_writes_join_one_transaction(db: Database) -> None:
    db.write(_make_counter)

    def outer(con: apsw.Connection) -> None:
        db.write(_bump)
        db.write(_bump)
        raise RuntimeError("undo both")

    with pytest.raises(RuntimeError):
        db.write(outer)
    assert db.read(value, "SELECT n FROM counter") == 0


def test_a_read_sees_one_snapshot_while_writes_go_on(db: Database) -> None:
    db.write(_make_counter)
    seen = []
    inside = threading.Event()
    release = threading.Event()

    def slow_read(con: apsw.Connection) -> None:
        seen.append(value(con, "SELECT n FROM counter"))
        inside.set()
        release.wait(5)
        seen.append(value(con, "SELECT n FROM counter"))

    reader = threading.Thread(target=db.read, args=(slow_read,))
    reader.start()
    inside.wait(5)
    db.write(_bump)  # the writer is not blocked by the open read
    release.set()
    reader.join()
    assert seen == [0, 0]
    assert db.read(value, "SELECT n FROM counter") == 1


async def test_async_calls_never_run_on_the_event_loop_thread(db: Database) -> None:
    loop_thread = threading.get_ident()
    db.write(_make_counter)

    def where(con: apsw.Connection) -> int:
        return threading.get_ident()

    assert await db.aread(where) != loop_thread
    assert await db.awrite(where) != loop_thread
    results = await asyncio.gather(*(db.awrite(_bump) for _ in range(50)))
    assert sorted(results) == list(range(1, 51))


WRITER = """
import sys
from pathlib import Path
from boxinterview.store import Database
from boxinterview.store._sql import value
db = Database(Path(sys.argv[1]))
def bump(con):
    n = value(con, "SELECT n FROM counter")
    con.execute("UPDATE counter SET n = ?", (n + 1,))
for _ in range(200):
    db.write(bump)
db.close()
"""


def test_two_processes_writing_at_once_lose_nothing(db: Database, tmp_path: Path) -> None:
    """The server and the console are separate processes on the same database."""
    db.write(_make_counter)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db.path)], stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for _ in range(200):
        db.write(_bump)
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    assert db.read(value, "SELECT n FROM counter") == 600


def test_a_writer_waits_for_another_process_then_gives_up_cleanly(db: Database) -> None:
    db.write(_make_counter)
    impatient = Database(db.path, busy_timeout_ms=200)
    other = apsw.Connection(str(db.path))
    with immediate(other), pytest.raises(apsw.BusyError):
        impatient.write(_bump)  # the busy timeout elapses: a clear error, nothing half-written
    other.close()
    assert impatient.write(_bump) == 1
    impatient.close()


def test_closed_database_says_so(db: Database) -> None:
    db.close()
    with pytest.raises(Exception, match="closed"):
        db.read(value, "SELECT 1")
