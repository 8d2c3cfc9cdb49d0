"""The data directory: the database and the folders for uploads, recordings and backups."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from boxinterview.errors import DatabaseError
from boxinterview.files import fsync_dir
from boxinterview.store import connect, inspect_version, migrations

SUBDIRS = ("uploads", "recordings", "files", "backups")


def _check_writable(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        # A real write, not os.access: it also catches read-only mounts and full disks.
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".write-test-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DatabaseError(
            f"cannot write to the data directory {data_dir} ({reason}): create it and give this user write "
            "access, or set data_dir in the config to a writable place"
        ) from None


def init(data_dir: Path) -> Path:
    """Create the data directory and a new database at the current schema. Refuses to touch existing data."""
    db_path = data_dir / "boxinterview.db"
    if db_path.exists():
        raise DatabaseError(
            f"{db_path} already exists, so {data_dir} is already initialised; nothing was changed "
            "(use `boxinterview migrate` to upgrade it, or choose another data_dir for a new one)"
        )
    _check_writable(data_dir)
    for name in SUBDIRS:
        (data_dir / name).mkdir(exist_ok=True)
    tmp = data_dir / f".boxinterview.db.init-{os.getpid()}"
    # Build the database under a temporary name and rename it into place: a crash leaves no half-made database.
    try:
        con = connect(tmp)
        try:
            migrations.migrate(con)
        finally:
            con.close()
        os.replace(tmp, db_path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return db_path


def migrate(data_dir: Path) -> tuple[int, list[int]]:
    """Bring an existing database to the current schema. Returns (version before, versions applied)."""
    finish_switch(data_dir)
    db_path = data_dir / "boxinterview.db"
    if not db_path.exists():
        raise DatabaseError(f"no database at {db_path}: run `boxinterview init` first")
    before = inspect_version(db_path)
    if before > migrations.HEAD:
        migrations.check_version(before, db_path)
    _check_writable(data_dir)
    con = connect(db_path)
    try:
        return before, migrations.migrate(con)
    finally:
        con.close()


def ensure_subdirs(data_dir: Path) -> None:
    for name in SUBDIRS:
        (data_dir / name).mkdir(parents=True, exist_ok=True)


_IN_USE = ".in-use.lock"


@contextlib.contextmanager
def in_use(data_dir: Path) -> Iterator[None]:
    """Held (shared) by the server, the worker and the console for as long as they run, so a restore can tell
    that something is still using the data it would replace. The kernel drops it when the process ends."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / _IN_USE).open("a") as f:
        fcntl.flock(f, fcntl.LOCK_SH)
        yield


def is_in_use(data_dir: Path) -> bool:
    try:
        f = (data_dir / _IN_USE).open("a")
    except FileNotFoundError:
        return False
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


_SWITCH = ".switch.json"


def switch(data_dir: Path, staging: Path, aside: Path, items: tuple[str, ...]) -> None:
    """Put `items` from `staging` in place of the live ones, which move to `aside`. A journal written first lets
    `finish_switch` complete the renames after a crash part-way, so the data directory never stays half old,
    half new (the server's start runs `migrate`, which finishes it)."""
    journal = data_dir / _SWITCH
    journal.write_text(json.dumps({"staging": staging.name, "aside": aside.name, "items": list(items)}))
    with journal.open("rb") as f:
        os.fsync(f.fileno())
    fsync_dir(data_dir)
    finish_switch(data_dir)


def finish_switch(data_dir: Path) -> bool:
    """Complete a switch that was started (each step is safe to repeat); False when there was none."""
    journal = data_dir / _SWITCH
    if not journal.exists():
        return False
    plan = json.loads(journal.read_text())
    staging, aside, items = data_dir / plan["staging"], data_dir / plan["aside"], plan["items"]
    aside.mkdir(exist_ok=True)
    database_pending = (staging / "boxinterview.db").exists()
    # The old database's journal files go with it: they must never meet the new database.
    for item in [*items, "boxinterview.db-wal", "boxinterview.db-shm"]:
        pending = (staging / item).exists() or (item.startswith("boxinterview.db-") and database_pending)
        if pending and (data_dir / item).exists() and not (aside / item).exists():
            os.rename(data_dir / item, aside / item)
    for item in items:
        if (staging / item).exists():
            os.rename(staging / item, data_dir / item)
    fsync_dir(data_dir)
    if staging.exists():
        shutil.rmtree(staging)
    journal.unlink()
    return True
