"""The data commands: backup (run, list, verify), restore and purge. Progress on a terminal, one line otherwise."""

from __future__ import annotations

import argparse
import json
import sys
import time

from boxinterview.cli.base import AddCommand, whole_argument
from boxinterview.cli.base import actor as _actor
from boxinterview.cli.base import open_db as _open
from boxinterview.config.settings import Settings
from boxinterview.errors import BoxError


class Bar:
    """A progress line on a terminal (at most ten updates a second); nothing when output goes elsewhere."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, what: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.shown or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(share * 30)
        sys.stderr.write(
            f"\r{what[:30]:<30} [{'#' * filled}{'.' * (30 - filled)}] {share:>4.0%} {done / 1e6:>9.1f} MB"
        )
        sys.stderr.flush()

    def done(self) -> None:
        if self.shown and self.last:
            sys.stderr.write("\n")


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.ops import backup

    action = args.backup_command or "run"
    _open(settings).close()  # a missing or outdated database is reported before anything is written
    if action == "list":
        found = backup.listing(settings)
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "name": b.name,
                            "created_at": b.created_at.isoformat(),
                            "files": b.files,
                            "bytes": b.bytes,
                        }
                        for b in found
                    ],
                    indent=2,
                )
            )
        for b in [] if args.json else found:
            print(f"{b.name}  {b.files:>6} files  {b.bytes / 1e6:>10.1f} MB")
        return 0
    bar = Bar()
    if action == "verify":
        name = backup.find(settings, args.name or "").name
        try:
            problems = backup.verify(settings, name, bar)
        finally:
            bar.done()
        for p in problems:
            print(f"{name}: {p}", file=sys.stderr)
        if problems:
            return 1
        print(f"{name}: every file matches its manifest; the database passes its integrity check")
        return 0
    with _open(settings) as db:
        try:
            made = backup.run_and_record(db, settings, _actor(), progress=bar)
        finally:
            bar.done()
    print(f"backup {made.name}: {made.files} files, {made.bytes / 1e6:.1f} MB in {made.path}")
    if note := backup.replaced_note(made):
        print(note)
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.ops import backup, restore

    name = backup.find(settings, args.name or "").name
    if not args.yes:
        if not sys.stdin.isatty():
            raise BoxError(
                f"a restore replaces the live data with backup {name}; run it on a terminal to confirm, "
                "or pass --yes"
            )
        print(
            f"This replaces the database and recordings in {settings.data_dir} with backup {name}.\n"
            "What it replaces is kept aside, not deleted.",
            file=sys.stderr,
        )
        typed = input(f"Type the backup's name ({name}) to restore it: ").strip()
        if typed != name:
            raise BoxError("the name did not match; nothing was changed")
    bar = Bar()
    try:
        done = restore.restore(settings, name, force=args.force, progress=bar, actor=_actor())
    finally:
        bar.done()
    print(
        f"restored backup {done.name}: {done.files} files, {done.bytes / 1e6:.1f} MB; the data it replaced is in "
        f"{done.kept_aside}"
    )
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview import storage
    from boxinterview.domain import retention
    from boxinterview.ops import backup

    bucket = storage.open_bucket(settings.storage)
    with _open(settings) as db, backup.maintenance(settings):
        if args.invitation:
            removed = retention.erase(
                db, settings.data_dir, args.invitation, _actor(), "erased on request", bucket=bucket
            )
            print(f"erased invitation {args.invitation}: {removed} file(s) removed")
            return 0
        done = retention.purge(db, settings.data_dir, bucket=bucket)
    print(
        f"erased {done.invitations} invitation(s) past their interview's retention; {done.files} file(s) removed"
    )
    return 0


def cmd_storage(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview import storage
    from boxinterview.domain import placement

    bucket = storage.open_bucket(settings.storage)
    if bucket is None:
        print(
            "storage.kind is local: recordings stay in the data directory (see docs/scaling.md)",
            file=sys.stderr,
        )
        return 2
    bucket.check()  # raises, saying which setting to fix
    print(f"bucket {bucket.name} at {settings.storage.endpoint_url} answers to the configured keys")
    if args.storage_command == "move":
        with _open(settings) as db:
            recordings, videos = placement.queue_all(db)
        print(
            f"queued {recordings} recording(s) and {videos} team video(s) still on this disk; the worker moves "
            "them (candidates' documents follow by themselves)"
        )
    return 0


def register(add: AddCommand) -> None:
    p = add("backup", cmd_backup, "back up the database and recordings; list or verify backups")
    bsub = p.add_subparsers(dest="backup_command", metavar="ACTION")
    add("run", cmd_backup, "make a backup now (the default)", bsub)
    q = add("list", cmd_backup, "list the backups", bsub)
    q.add_argument("--json", action="store_true", help="as JSON")
    q = add("verify", cmd_backup, "check a backup against its manifest and SQLite's integrity check", bsub)
    q.add_argument("name", nargs="?", help="which backup (default: the newest)")
    p = add("restore", cmd_restore, "put a backup in place of the live data (what it replaces is kept aside)")
    p.add_argument("name", nargs="?", help="which backup (default: the newest)")
    p.add_argument("--yes", action="store_true", help="do not ask to type the backup's name")
    p.add_argument("--force", action="store_true", help="even while the server, worker or console runs")
    p = add("purge", cmd_purge, "erase candidates' data past their interview's retention (or one invitation)")
    p.add_argument("--invitation", type=whole_argument, metavar="ID", help="erase this invitation's data now")
    p = add("storage", cmd_storage, "try the S3-compatible bucket, or move what is still on this disk to it")
    ssub = p.add_subparsers(dest="storage_command", metavar="ACTION")
    add("check", cmd_storage, "try the bucket with the configured keys (the default)", ssub)
    add("move", cmd_storage, "queue moves of ready recordings and team videos made before the bucket", ssub)
