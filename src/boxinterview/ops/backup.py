"""Backups without extra services: the database copied online through SQLite's backup API (in one step, so
writers never make it start over), the recordings and documents as a snapshot that hard-links files unchanged
since the previous backup, and a manifest with the SHA-256 of every file, so a backup can be verified."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.errors import BoxError, Conflict, NotFound
from boxinterview.store import Database, connect
from boxinterview.store import audit as audit_sql

# Uploads first: a finished upload moves from uploads/ to recordings/, so copying in this order catches it in
# one place or the other (the database, copied before all of them, names it either way).
MEDIA = ("uploads", "recordings", "files")
MANIFEST = "manifest.json"
DATABASE = "boxinterview.db"
# (what is happening, bytes done, bytes in all): for a progress bar on a terminal
Progress = Callable[[str, int, int], None]


def _quiet(what: str, done: int, total: int) -> None:
    pass


@contextlib.contextmanager
def maintenance(settings: Settings, wait_seconds: float = 600) -> Iterator[None]:
    """One backup, restore or purge at a time (the others wait their turn, up to `wait_seconds`): a purge
    deleting files while a backup copies them could leave the backup's database pointing at files it lacks."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with (settings.data_dir / ".maintenance.lock").open("a") as f:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Conflict(
                        "another backup, restore or purge is still running on this data directory; try again "
                        "when it has finished"
                    ) from None
                time.sleep(0.5)
        yield


@dataclass(frozen=True)
class BackupInfo:
    name: str
    path: Path
    created_at: datetime
    files: int
    bytes: int
    # Earlier backups this one made unneeded (rotation keeps the newest of each hour, day and week).
    replaced: tuple[str, ...] = ()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            h.update(block)
    return h.hexdigest()


def _same(entry: dict[str, Any], stat: os.stat_result) -> bool:
    return entry["size"] == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns


def _intact(copy: Path, entry: dict[str, Any]) -> bool:
    """The previous backup's copy still looks as it was written (copies keep the original's time), so linking
    to it cannot carry damage into the new backup."""
    try:
        return _same(entry, copy.stat())
    except FileNotFoundError:
        return False


def folder(settings: Settings) -> Path:
    return settings.data_dir / "backups"


def listing(settings: Settings) -> list[BackupInfo]:
    return listing_at(folder(settings))


def newest(settings: Settings) -> BackupInfo | None:
    """The newest backup, reading only its manifest (health checks ask often)."""
    found = sorted(folder(settings).glob("*/" + MANIFEST))
    return listing_at(folder(settings), found[-1:])[0] if found else None


def listing_at(base: Path, manifests: list[Path] | None = None) -> list[BackupInfo]:
    out = []
    for d in manifests if manifests is not None else sorted(base.glob("*/" + MANIFEST)):
        m = json.loads(d.read_text())
        out.append(
            BackupInfo(
                d.parent.name,
                d.parent,
                clock.from_db(m["created_at"]),
                len(m["files"]),
                sum(f["size"] for f in m["files"].values()),
            )
        )
    return out


def _media(settings: Settings, *tops: str) -> list[Path]:
    return [
        p
        for top in tops or MEDIA
        for p in sorted((settings.data_dir / top).rglob("*"))
        if p.is_file() and ".tmp" not in p.name
    ]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def run(settings: Settings, now: datetime | None = None, progress: Progress = _quiet) -> BackupInfo:
    """Make a backup, then rotate (`backup.hourly`, `daily`, `weekly`) and copy it to `backup.copy_to`. A backup
    becomes visible only once complete."""
    now = now or clock.now()
    with maintenance(settings):
        made = _make(settings, now, progress)
        found = listing(settings)
        keep = kept(found, settings)
        gone = [old for old in found if old.name not in keep]
        for old in gone:
            shutil.rmtree(old.path)
        if settings.backup.copy_to:
            _copy_out(settings, made, progress)
    return dataclasses.replace(made, replaced=tuple(old.name for old in gone))


def kept(backups: list[BackupInfo], settings: Settings) -> set[str]:
    """Which backups rotation keeps: the newest, and the newest of each of the last `hourly` hours, `daily` days
    and `weekly` ISO weeks that have one."""
    newest_first = sorted(backups, key=lambda b: b.created_at, reverse=True)
    keep = {newest_first[0].name} if newest_first else set()
    for count, bucket in (
        (settings.backup.hourly, lambda t: t.strftime("%Y%m%d%H")),
        (settings.backup.daily, lambda t: t.strftime("%Y%m%d")),
        (settings.backup.weekly, lambda t: "{}-{:02d}".format(*t.isocalendar()[:2])),
    ):
        seen: set[str] = set()
        for b in newest_first:
            key = bucket(b.created_at)
            if key not in seen and len(seen) < count:
                seen.add(key)
                keep.add(b.name)
    return keep


def _make(settings: Settings, now: datetime, progress: Progress) -> BackupInfo:
    name = now.strftime("%Y%m%dT%H%M%S")
    n = 1
    while (folder(settings) / name).exists():  # two in the same second
        n += 1
        name = f"{now.strftime('%Y%m%dT%H%M%S')}-{n}"
    target = folder(settings) / name
    partial = folder(settings) / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    previous = listing(settings)
    last = previous[-1].path if previous else None
    last_manifest = json.loads((last / MANIFEST).read_text())["files"] if last else {}
    files: dict[str, dict[str, Any]] = {}
    # The database first, so every file it names exists already (files are written before the rows naming them,
    # and nothing deletes them while this runs: see `maintenance`). One step of the online backup API copies it
    # consistently while the server keeps writing.
    progress("database", 0, 1)
    source = connect(settings.database_path, settings.store.busy_timeout_ms)
    dest = connect(partial / DATABASE)
    try:
        with dest.backup("main", source, "main") as b:
            b.step(-1)
    finally:
        dest.close()
        source.close()
    files[DATABASE] = {"sha256": _sha256(partial / DATABASE), "size": (partial / DATABASE).stat().st_size}
    total, done = sum(_size(p) for p in _media(settings)), 0
    for top in MEDIA:
        for path in _media(settings, top):
            rel = path.relative_to(settings.data_dir).as_posix()
            dest_path = partial / rel
            dest_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                stat = path.stat()
                before = last_manifest.get(rel)
                if last and before and _same(before, stat) and _intact(last / rel, before):
                    os.link(last / rel, dest_path)  # unchanged since the last backup: share its copy
                    files[rel] = before
                else:
                    shutil.copy2(path, dest_path)
                    files[rel] = {
                        "sha256": _sha256(dest_path),
                        "size": stat.st_size,
                        "mtime_ns": stat.st_mtime_ns,
                    }
            except FileNotFoundError:  # an upload that finished meanwhile: it is in recordings/, copied next
                dest_path.unlink(missing_ok=True)
                continue
            done += stat.st_size
            progress("recordings and files", done, total)
    (partial / MANIFEST).write_text(json.dumps({"created_at": clock.to_db(now), "files": files}, indent=1))
    os.replace(partial, target)
    return next(b for b in listing(settings) if b.name == name)


def _copy_out(settings: Settings, made: BackupInfo, progress: Progress) -> None:
    """The same snapshot on another mounted disk, sharing unchanged files with the copy made before it."""
    base = Path(settings.backup.copy_to)
    if not base.is_dir():
        raise BoxError(
            f"backup.copy_to is {base}, which is not a directory: mount the disk or change the setting"
        )
    earlier = sorted(d for d in base.iterdir() if (d / MANIFEST).exists() and d.name != made.name)
    last = earlier[-1] if earlier else None
    last_files = json.loads((last / MANIFEST).read_text())["files"] if last else {}
    manifest = json.loads((made.path / MANIFEST).read_text())["files"]
    partial = base / f".{made.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    total, done = sum(f["size"] for f in manifest.values()), 0
    for rel, f in manifest.items():
        dest = partial / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        before = last_files.get(rel)
        if last and before and before["sha256"] == f["sha256"] and _intact(last / rel, before):
            os.link(last / rel, dest)
        else:
            shutil.copy2(made.path / rel, dest)
        done += f["size"]
        progress(f"copy to {base}", done, total)
    shutil.copy2(made.path / MANIFEST, partial / MANIFEST)
    os.replace(partial, base / made.name)
    keep = kept(listing_at(base), settings)
    for old in earlier:
        if old.name not in keep:
            shutil.rmtree(old)


def find(settings: Settings, name: str = "") -> BackupInfo:
    """A backup by name, or the newest."""
    found = listing(settings)
    if not found:
        raise NotFound(f"there are no backups in {folder(settings)}; make one with `boxinterview backup`")
    if not name:
        return found[-1]
    for b in found:
        if b.name == name:
            return b
    raise NotFound(f"no backup named {name}; `boxinterview backup list` shows them")


def verify(settings: Settings, name: str = "", progress: Progress = _quiet) -> list[str]:
    """Problems found in a backup (an empty list means it is whole)."""
    path = find(settings, name).path
    problems = []
    manifest = json.loads((path / MANIFEST).read_text())["files"]
    total, done = sum(f["size"] for f in manifest.values()), 0
    for rel, f in manifest.items():
        p = path / rel
        if not p.exists():
            problems.append(f"{rel}: missing")
        elif _sha256(p) != f["sha256"]:
            problems.append(f"{rel}: changed since the backup (SHA-256 differs)")
        done += f["size"]
        progress("verifying", done, total)
    con = connect(path / DATABASE, readonly=True)
    try:
        if con.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            problems.append("boxinterview.db: fails SQLite's integrity check")
    finally:
        con.close()
    return problems


def replaced_note(made: BackupInfo) -> str:
    """What a new backup let go, said to whoever asked for it ("" when nothing)."""
    if not made.replaced:
        return ""
    names = ", ".join(made.replaced)
    return f"it replaces {names}: rotation keeps the newest backup of each hour, day and week"


def run_and_record(db: Database, settings: Settings, actor: str, progress: Progress = _quiet) -> BackupInfo:
    """`run`, with its outcome in the audit log (the console shows the last one) and the operator told when it
    fails."""
    from boxinterview.mail import alerts  # alerts needs mail; a plain backup does not

    try:
        made = run(settings, progress=progress)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        db.write(
            audit_sql.record,
            actor=actor,
            action="backup.failed",
            subject_type="backup",
            subject_id=None,
            detail={"error": error},
            now=clock.now(),
        )
        alerts.alert(
            db,
            settings,
            "backup",
            "A backup failed",
            error,
            "Run `boxinterview backup` to see the error, fix it, and run it again.",
        )
        raise
    db.write(
        audit_sql.record,
        actor=actor,
        action="backup.made",
        subject_type="backup",
        subject_id=None,
        detail={"name": made.name, "files": made.files, "bytes": made.bytes},
        now=clock.now(),
    )
    return made
