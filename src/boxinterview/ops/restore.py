"""Restoring a backup: checked against its manifest first, copied beside the live data, then switched in with
renames. What it replaces is kept aside, never deleted, so a restore can itself be undone."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.domain import uploads
from boxinterview.errors import Conflict
from boxinterview.ops import backup, datadir
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql


@dataclass(frozen=True)
class Restored:
    name: str
    files: int
    bytes: int
    kept_aside: Path  # the data the restore replaced


def restore(
    settings: Settings,
    name: str = "",
    force: bool = False,
    progress: backup.Progress = backup._quiet,
    now: datetime | None = None,
    actor: str = "",
) -> Restored:
    """Put a backup (by name, or the newest) in place of the live data; the restored data's audit log says so
    (by `actor`)."""
    now = now or clock.now()
    data_dir = settings.data_dir
    with backup.maintenance(settings, wait_seconds=30):
        info = backup.find(settings, name)
        if not force and datadir.is_in_use(data_dir):
            raise Conflict(
                "the server, worker or console is running on this data directory; stop them first "
                "(`systemctl stop boxinterview boxinterview-worker`) or restore with --force"
            )
        problems = backup.verify(settings, info.name, progress)
        if problems:
            raise Conflict(
                f"backup {info.name} is damaged ({problems[0]}{' …' if len(problems) > 1 else ''}); nothing was "
                "changed: choose another with `boxinterview backup list`"
            )
        staging = data_dir / f".restore-{info.name}"
        shutil.rmtree(staging, ignore_errors=True)
        manifest = json.loads((info.path / backup.MANIFEST).read_text())["files"]
        total, done = sum(f["size"] for f in manifest.values()), 0
        for rel, f in manifest.items():
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            # copies, not links: the restored data will change, the backup must not
            shutil.copy2(info.path / rel, dest)
            done += f["size"]
            progress("restoring", done, total)
        for top in backup.MEDIA:  # every folder is replaced, also one the backup has nothing in
            (staging / top).mkdir(parents=True, exist_ok=True)
        aside = data_dir / f".replaced-{now.strftime('%Y%m%dT%H%M%S')}"
        aside.mkdir()
        datadir.switch(data_dir, staging, aside, (backup.DATABASE, *backup.MEDIA))
        datadir.ensure_subdirs(data_dir)
        datadir.migrate(data_dir)  # a backup from an older version comes up to this one
        db = Database.open(settings.database_path, settings.store.busy_timeout_ms)
        try:
            uploads.finish_moves(db, data_dir)
            db.write(
                audit_sql.record,
                actor=actor or "restore",
                action="backup.restore",
                subject_type="backup",
                subject_id=None,
                detail={"backup": info.name, "replaced_kept_in": aside.name, "forced": force},
                now=now,
            )
        finally:
            db.close()
    # Uploads in progress at the backup resume from the bytes it holds; the candidate's browser sends the rest.
    return Restored(info.name, info.files, info.bytes, aside)
