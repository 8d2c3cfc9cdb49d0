"""The database handle: one writer thread, reader connections per thread, async wrappers.

SQLite allows one writer at a time. Every write in this process goes through one connection owned by one
thread and runs inside `BEGIN IMMEDIATE`, so writers queue in Python instead of failing on SQLITE_BUSY; other
processes (the console, a backup) are covered by the busy timeout. Reads use a connection per thread and run in
a read transaction, so a page sees one consistent snapshot. The event loop never touches a connection: `aread`
and `awrite` hand the work to the reader pool or the writer thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import apsw
import apsw.bestpractice

from boxinterview.errors import DatabaseError
from boxinterview.store import migrations

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE_THREADS = 8
_applied = False
_applied_lock = threading.Lock()


def _apply_bestpractice() -> None:
    """APSW's recommended settings, except two we do ourselves in `connect`: the busy timeout (theirs is 100 ms)
    and `PRAGMA optimize`, which can need a lock and so must run after our longer busy timeout is set."""
    global _applied
    bp = apsw.bestpractice
    with _applied_lock:
        if not _applied:
            bp.apply(
                tuple(
                    f for f in bp.recommended if f not in (bp.connection_busy_timeout, bp.connection_optimize)
                )
            )
            _applied = True


def connect(path: Path, busy_timeout_ms: int = 5000, readonly: bool = False) -> apsw.Connection:
    _apply_bestpractice()
    flags = apsw.SQLITE_OPEN_READONLY if readonly else apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
    con = apsw.Connection(str(path), flags=flags)
    _homes[con] = Path(path).absolute().parent
    con.set_busy_timeout(busy_timeout_ms)
    if not readonly:
        # What is deleted or overwritten is zeroed, not left in free space: a sent invitation's link, erased
        # personal data and the like must not live on in the file and in every backup copied from it.
        con.pragma("secure_delete", 1)
        _timeouts[id(con)] = busy_timeout_ms
        optimize(con)
    return con


# The data directory of each connection's database as it was named (SQLite's own name for the file has symbolic
# links resolved, and the files the database names are handed out under the directory the settings say).
_homes: weakref.WeakKeyDictionary[apsw.Connection, Path] = weakref.WeakKeyDictionary()


def home(con: apsw.Connection) -> Path | None:
    """The folder the database of `con` is in (its data directory); None for a database in memory."""
    found = _homes.get(con)
    if found is None and con.filename:
        found = Path(con.filename).parent
    return found


# How often a connection asks SQLite whether its query planner statistics are out of date. The question costs
# about 0.2 ms when they are not, so once a second is free; a connection then never plans with statistics from
# when the tables were a fraction of their size (which turned a 75 ms page into a 13 s one).
OPTIMIZE_SECONDS = 1.0
_optimized: dict[int, float] = {}
_timeouts: dict[int, int] = {}


def optimize(con: apsw.Connection) -> None:
    """SQLite's `PRAGMA optimize`, as its documentation advises for long-lived connections: analyse the tables
    that have grown since they were last analysed, and use the new statistics. It never waits for the write
    lock (the statistics can wait; a reader should not)."""
    _optimized[id(con)] = time.monotonic()
    con.set_busy_timeout(0)
    try:
        with contextlib.suppress(apsw.BusyError):
            con.pragma("optimize", 0x10002)
    finally:
        con.set_busy_timeout(_timeouts.get(id(con), 5000))


def optimize_now_and_then(con: apsw.Connection) -> None:
    if id(con) in _timeouts and time.monotonic() - _optimized.get(id(con), 0.0) > OPTIMIZE_SECONDS:
        optimize(con)


@contextlib.contextmanager
def immediate(con: apsw.Connection) -> Iterator[apsw.Connection]:
    """A write transaction that takes the write lock up front (no deadlock on upgrade from read)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def inspect_version(path: Path) -> int:
    """The schema version of an existing database file, read without changing anything."""
    try:
        con = connect(path, readonly=True)
    except apsw.CantOpenError:
        raise DatabaseError(
            f"cannot open the database {path}: check that the file exists and is readable"
        ) from None
    try:
        version: int = con.pragma("user_version")
        return version
    except apsw.NotADBError:
        raise DatabaseError(
            f"{path} is not a boxinterview database (not SQLite); move it away or point data_dir elsewhere"
        ) from None
    finally:
        con.close()


class Database:
    """An open, migrated database. Use `Database.open`, then `read`/`write` (or `aread`/`awrite`)."""

    def __init__(self, path: Path, busy_timeout_ms: int = 5000, readers: int = 2) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._writer_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")
        self._reader_pool = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="db-reader")
        # Services mostly wait on the writer; they get their own threads so they never hold up plain reads.
        self._service_pool = ThreadPoolExecutor(max_workers=SERVICE_THREADS, thread_name_prefix="db-service")
        self._writer_thread: threading.Thread | None = None
        self._write_con: apsw.Connection | None = None
        self._local = threading.local()
        self._readers: list[apsw.Connection] = []
        self._readers_lock = threading.Lock()
        self._closing: list[Callable[[], None]] = []
        self._closed = False

    @classmethod
    def open(cls, path: Path, busy_timeout_ms: int = 5000, readers: int = 2) -> Database:
        """Open a database that exists and is at the current schema version; otherwise say what to do."""
        if not path.exists():
            raise DatabaseError(f"no database at {path}: run `boxinterview init` first")
        version = inspect_version(path)
        migrations.check_version(version, path)
        return cls(path, busy_timeout_ms, readers)

    # -- writing ---------------------------------------------------------------------------------------------

    def _writer(self) -> apsw.Connection:
        if self._write_con is None:
            self._write_con = connect(self.path, self.busy_timeout_ms)
            self._writer_thread = threading.current_thread()
        return self._write_con

    def _run_write(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        con = self._writer()
        if con.in_transaction:  # a write function calling another: join the open transaction
            return fn(con, *args, **kwargs)
        optimize_now_and_then(con)
        with immediate(con):
            return fn(con, *args, **kwargs)

    def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(con, *args)` in one write transaction on the writer thread and return its result."""
        self._check_open()
        if threading.current_thread() is self._writer_thread:
            return self._run_write(fn, args, kwargs)
        return self._writer_pool.submit(self._run_write, fn, args, kwargs).result()

    async def awrite(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self._check_open()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer_pool, self._run_write, fn, args, kwargs)

    # -- reading ---------------------------------------------------------------------------------------------

    def _reader(self) -> apsw.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = connect(self.path, self.busy_timeout_ms)
            self._local.con = con
            with self._readers_lock:
                self._readers.append(con)
        return con

    def _run_read(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        if threading.current_thread() is self._writer_thread:  # reading inside a write sees its own changes
            return fn(self._writer(), *args, **kwargs)
        con = self._reader()
        if con.in_transaction:  # a read inside a read shares its snapshot
            return fn(con, *args, **kwargs)
        optimize_now_and_then(con)
        con.execute("BEGIN")
        try:
            return fn(con, *args, **kwargs)
        finally:
            con.execute("COMMIT")

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(con, *args)` in one read transaction (a consistent snapshot) on this thread."""
        self._check_open()
        return self._run_read(fn, args, kwargs)

    def read_each(self, calls: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]]) -> dict[str, Any]:
        """Run independent reads at once on the reader threads, each in its own snapshot: for a page that adds up
        several measures, where a moment between them does not matter. (From a reader thread, one after another.)"""
        self._check_open()
        if threading.current_thread().name.startswith("db-reader"):
            return {k: self._run_read(fn, args, {}) for k, (fn, args) in calls.items()}
        futures = {
            k: self._reader_pool.submit(self._run_read, fn, args, {}) for k, (fn, args) in calls.items()
        }
        return {k: f.result() for k, f in futures.items()}

    async def aread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self._check_open()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reader_pool, self._run_read, fn, args, kwargs)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking core service off the event loop (its reads on its own thread, its writes on the
        writer thread)."""
        self._check_open()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._service_pool, functools.partial(fn, *args, **kwargs))

    # -- lifecycle -------------------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise DatabaseError("the database has been closed")

    def on_close(self, fn: Callable[[], None]) -> None:
        """Run `fn` as the database closes, once the services have finished and while it can still write (a
        buffer's last flush)."""
        self._closing.append(fn)

    def close(self) -> None:
        if self._closed:
            return
        # Services first: they may still hand writes to the writer, so it stays open for them.
        self._service_pool.shutdown(wait=True)
        for fn in self._closing:
            try:
                fn()
            except Exception:
                log.exception("while closing the database")
        self._reader_pool.shutdown(wait=True)
        self._closed = True

        def close_writer() -> None:
            if self._write_con is not None:
                with contextlib.suppress(apsw.Error):
                    self._write_con.pragma("optimize")
                self._write_con.close()
                self._write_con = None

        self._writer_pool.submit(close_writer).result()
        self._writer_pool.shutdown(wait=True)
        with self._readers_lock:
            for con in self._readers:
                # Connections made on other threads are closed here; APSW allows it once the thread is idle.
                con.close()
            self._readers.clear()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
