"""Backups without extra services: the database copied online through SQLite's backup API (in one step, so
writers never make it start over), the recordings and documents as a snapshot that hard-links files unchanged
since the previous backup, and a manifest with the SHA-256 of every file, so a backup can be verified."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from boxinterview import clock
from boxinterview.config import Settings
from boxinterview.errors import BoxError, NotFound
from boxinterview.store import connect

MEDIA = ("recordings", "files")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BackupInfo:
    name: str
    path: Path
    created_at: datetime
    files: int
    bytes: int


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            h.update(block)
    return h.hexdigest()


def _same(entry: dict, stat: os.stat_result) -> bool:
    return entry["size"] == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns


def _intact(copy: Path, entry: dict) -> bool:
    """The previous backup's copy still looks as it was written (copies keep the original's time), so linking
    to it cannot carry damage into the new backup."""
    try:
        return _same(entry, copy.stat())
    except FileNotFoundError:
        return False


def folder(settings: Settings) -> Path:
    return settings.data_dir / "backups"


def listing(settings: Settings) -> list[BackupInfo]:
    out = []
    for d in sorted(folder(settings).glob("*/" + MANIFEST)):
        m = json.loads(d.read_text())
        out.append(BackupInfo(d.parent.name, d.parent, clock.from_db(m["created_at"]), len(m["files"]),  # type: ignore[arg-type]
                              sum(f["size"] for f in m["files"].values())))  # fmt: skip
    return out


def run(settings: Settings, now: datetime | None = None) -> BackupInfo:
    """Make a backup; keep the newest `backup.keep`. A backup becomes visible only once complete."""
    now = now or clock.now()
    name = now.strftime("%Y%m%dT%H%M%S")
    target = folder(settings) / name
    partial = folder(settings) / f".{name}.partial"
    if target.exists():
        raise BoxError(f"a backup named {name} already exists; wait a second and run it again")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    previous = listing(settings)
    last = previous[-1].path if previous else None
    last_manifest = json.loads((last / MANIFEST).read_text())["files"] if last else {}
    files: dict[str, dict] = {}
    # The database: one step of the online backup API copies it consistently while the server keeps writing.
    source = connect(settings.database_path, settings.store.busy_timeout_ms)
    dest = connect(partial / "boxinterview.db")
    try:
        with dest.backup("main", source, "main") as b:
            b.step(-1)
    finally:
        dest.close()
        source.close()
    files["boxinterview.db"] = {"sha256": _sha256(partial / "boxinterview.db"),
                                "size": (partial / "boxinterview.db").stat().st_size}  # fmt: skip
    for top in MEDIA:
        base = settings.data_dir / top
        for path in sorted(p for p in base.rglob("*") if p.is_file() and ".tmp" not in p.name):
            rel = path.relative_to(settings.data_dir).as_posix()
            stat = path.stat()
            dest_path = partial / rel
            dest_path.parent.mkdir(parents=True, exist_ok=True)
            before = last_manifest.get(rel)
            if last and before and _same(before, stat) and _intact(last / rel, before):
                os.link(last / rel, dest_path)  # unchanged since the last backup: share its copy
                files[rel] = before
                continue
            shutil.copy2(path, dest_path)
            files[rel] = {"sha256": _sha256(dest_path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    (partial / MANIFEST).write_text(json.dumps({"created_at": clock.to_db(now), "files": files}, indent=1))
    os.replace(partial, target)
    for old in listing(settings)[: -settings.backup.keep]:
        shutil.rmtree(old.path)
    return next(b for b in listing(settings) if b.name == name)


def verify(settings: Settings, name: str) -> list[str]:
    """Problems found in a backup (an empty list means it is whole)."""
    path = folder(settings) / name
    if not (path / MANIFEST).exists():
        raise NotFound(f"no backup named {name}; `boxinterview backup --list` shows them")
    problems = []
    for rel, f in json.loads((path / MANIFEST).read_text())["files"].items():
        p = path / rel
        if not p.exists():
            problems.append(f"{rel}: missing")
        elif _sha256(p) != f["sha256"]:
            problems.append(f"{rel}: changed since the backup (SHA-256 differs)")
    con = connect(path / "boxinterview.db", readonly=True)
    try:
        if con.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            problems.append("boxinterview.db: fails SQLite's integrity check")
    finally:
        con.close()
    return problems
