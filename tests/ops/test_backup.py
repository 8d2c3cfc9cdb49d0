"""Backups: a consistent database copy while writes go on, hard-linked snapshots of unchanged media, manifests
that catch damage, rotation."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import timedelta

from boxinterview import clock
from boxinterview.domain import invitations
from boxinterview.ops import backup
from boxinterview.store import connect, outbox
from tests.support.flows import record_take
from tests.support.live import prepare


def test_backups_copy_consistently_share_unchanged_files_and_catch_damage(tmp_path, cli) -> None:
    path, settings, db, interview = prepare(tmp_path, backup={"hourly": 2, "daily": 1, "weekly": 1})
    inv, token = invitations.invite(db, interview.id, "Ann", "ann@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    record_take(db, settings, token, interview.questions[0].id, 1, b"first recording " * 1000)
    stop = threading.Event()

    def keep_writing() -> None:  # the server goes on inviting while the backup runs
        n = 0
        while not stop.is_set():
            n += 1
            invitations.invite(db, interview.id, f"W {n}", f"w{n}@example.com", "t")

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        t0 = clock.now().replace(minute=10, second=0, microsecond=0)  # so t0 + 2 h 20 min is the same hour
        first = backup.run(settings, t0)
    finally:
        stop.set()
        writer.join()
    assert backup.verify(settings, first.name) == []
    copy = connect(first.path / "boxinterview.db", readonly=True)
    assert copy.execute("SELECT count(*) FROM invitations").fetchall()[0][0] >= 1
    copy.close()

    record_take(db, settings, token, interview.questions[0].id, 2, b"second recording")
    second = backup.run(settings, t0 + timedelta(hours=1))
    rel = next(p.relative_to(first.path) for p in (first.path / "recordings").rglob("original*"))
    assert (first.path / rel).stat().st_ino == (second.path / rel).stat().st_ino  # unchanged: hard-linked
    assert second.files == first.files + 1

    (second.path / rel).unlink()
    (second.path / rel).write_bytes(b"tampered")
    assert backup.verify(settings, second.name) == [
        f"{rel.as_posix()}: changed since the backup (SHA-256 differs)"
    ]
    assert backup.verify(settings, first.name) == []  # the other backup's copy was not touched

    third = backup.run(settings, t0 + timedelta(hours=2))
    assert [b.name for b in backup.listing(settings)] == [second.name, third.name]  # hourly: 2
    assert third.replaced == (first.name,) and second.replaced == ()  # and whoever made it is told
    assert backup.replaced_note(third) == (
        f"it replaces {first.name}: rotation keeps the newest backup of each hour, day and week"
    )
    again = backup.run(settings, t0 + timedelta(hours=2, minutes=20))  # a second one in the same hour
    assert again.replaced == (third.name,)

    listed = cli("--config", str(path), "backup", "list", "--json")
    assert [b["name"] for b in json.loads(listed.out)] == [second.name, again.name]
    bad = cli("--config", str(path), "backup", "verify", second.name)
    assert bad.code == 1 and "SHA-256 differs" in bad.err
    assert cli("--config", str(path), "backup", "verify").code == 0  # the newest
    db.close()


def test_each_backup_is_copied_to_another_disk_and_a_failure_tells_the_operator(tmp_path, cli) -> None:
    other = tmp_path / "usb"
    other.mkdir()
    path, settings, db, interview = prepare(
        tmp_path, backup={"copy_to": str(other)}, smtp={"operator": "ops@example.com"}
    )
    inv, token = invitations.invite(db, interview.id, "Ann", "ann@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    record_take(db, settings, token, interview.questions[0].id, 1, b"a recording " * 100)
    made = cli("--config", str(path), "backup")
    assert made.code == 0, made.err
    [name] = [b.name for b in backup.listing(settings)]
    copied = other / name
    assert (copied / "manifest.json").exists() and any((copied / "recordings").rglob("original*"))
    shutil.rmtree(other)  # the disk is gone
    failed = cli("--config", str(path), "backup")
    assert failed.code != 0 and "not a directory" in failed.err
    alerts = [m for m in db.read(outbox.recent, 50) if m["kind"].startswith("alert.backup")]
    assert len(alerts) == 1 and alerts[0]["recipient"] == "ops@example.com"
    assert "A backup failed" in alerts[0]["body"] and "not a directory" in alerts[0]["body"]
    db.close()
