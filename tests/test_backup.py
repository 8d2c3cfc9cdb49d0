"""Backups: a consistent database copy while writes go on, hard-linked snapshots of unchanged media, manifests
that catch damage, rotation."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

from boxinterview import backup, clock
from boxinterview.domain import invitations
from boxinterview.store import connect
from tests.flows import record_take
from tests.live import prepare


def test_backups_copy_consistently_share_unchanged_files_and_catch_damage(tmp_path, cli) -> None:
    path, settings, db, interview = prepare(tmp_path, backup={"keep": 2})
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
        t0 = clock.now()
        first = backup.run(settings, t0)
    finally:
        stop.set()
        writer.join()
    assert backup.verify(settings, first.name) == []
    copy = connect(first.path / "boxinterview.db", readonly=True)
    assert copy.execute("SELECT count(*) FROM invitations").fetchall()[0][0] >= 1
    copy.close()

    record_take(db, settings, token, interview.questions[0].id, 2, b"second recording")
    second = backup.run(settings, t0 + timedelta(seconds=1))
    rel = next(p.relative_to(first.path) for p in (first.path / "recordings").rglob("original*"))
    assert (first.path / rel).stat().st_ino == (second.path / rel).stat().st_ino  # unchanged: hard-linked
    assert second.files == first.files + 1

    (second.path / rel).unlink()
    (second.path / rel).write_bytes(b"tampered")
    assert backup.verify(settings, second.name) == [
        f"{rel.as_posix()}: changed since the backup (SHA-256 differs)"
    ]
    assert backup.verify(settings, first.name) == []  # the other backup's copy was not touched

    third = backup.run(settings, t0 + timedelta(seconds=2))
    assert [b.name for b in backup.listing(settings)] == [second.name, third.name]  # keep: 2

    listed = cli("--config", str(path), "backup", "--list", "--json")
    assert [b["name"] for b in json.loads(listed.out)] == [second.name, third.name]
    bad = cli("--config", str(path), "backup", "--verify", second.name)
    assert bad.code == 1 and "SHA-256 differs" in bad.err
    assert cli("--config", str(path), "backup", "--verify", third.name).code == 0
    db.close()
