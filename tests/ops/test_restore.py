"""Restore drill: back up while uploads and reviews are being written, restore, and everything acknowledged
before the backup began is there, with no record pointing at a missing file."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from boxinterview.domain import accounts, answers, invitations, reviews
from boxinterview.domain.models import Role
from boxinterview.ops import backup, datadir
from boxinterview.store import Database, connect
from tests.support.flows import record_take
from tests.support.live import prepare


def _candidate_flow(db, settings, interview, admin, n: int, done: list) -> None:
    """One candidate answers everything and is scored; each step noted with when it was acknowledged."""
    q = interview.questions
    inv, token = invitations.invite(db, interview.id, f"Drill {n}", f"drill{n}@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    payload = f"recording {n} ".encode() * 2000
    rid = record_take(db, settings, token, q[0].id, 1, payload)
    done.append((time.monotonic(), "upload", rid, payload))
    answers.submit_take(db, inv.id, q[0].id, 1)
    record_take(db, settings, token, q[1].id, 1, b"sound " * 100)
    answers.submit_take(db, inv.id, q[1].id, 1)
    answers.submit_text(db, inv.id, q[2].id, f"answer {n}")
    answers.complete(db, inv.id)
    comp = interview.competencies[0].id
    reviews.save(db, admin, inv.id, q[0].id, {comp: 1 + n % 5}, f"note {n}", submit=True)
    done.append((time.monotonic(), "score", inv.id, 1 + n % 5))


def test_restore_drill_under_load(tmp_path, cli) -> None:
    path, settings, db, interview = prepare(tmp_path)
    admin, _ = accounts.create(db, "admin@example.com", Role.ADMIN, "t")
    done: list = []
    stop = threading.Event()
    counter = iter(range(1, 10_000))

    def keep_going() -> None:
        while not stop.is_set():
            _candidate_flow(db, settings, interview, admin, next(counter), done)

    workers = [threading.Thread(target=keep_going) for _ in range(2)]
    for w in workers:
        w.start()
    try:
        while len(done) < 6:  # some candidates are through before the backup starts
            time.sleep(0.05)
        began = time.monotonic()
        made = backup.run(settings)
        time.sleep(0.2)  # and the writing goes on after it
    finally:
        stop.set()
        for w in workers:
            w.join()
    before = [d for d in done if d[0] < began]
    assert before and len(done) > len(before)
    db.close()

    with datadir.in_use(settings.data_dir):  # a running server keeps the restore away
        refused = cli("--config", str(path), "restore", made.name, "--yes")
    assert refused.code != 0 and "stop them first" in refused.err
    unconfirmed = cli("--config", str(path), "restore", made.name)
    assert unconfirmed.code != 0 and "confirm" in unconfirmed.err

    restored = cli("--config", str(path), "restore", made.name, "--yes")
    assert restored.code == 0, restored.err
    assert f"restored backup {made.name}" in restored.out

    con = connect(settings.database_path, readonly=True)
    try:
        for _, what, key, expected in before:
            if what == "upload":
                [(state, original)] = con.execute(
                    "SELECT state, original_path FROM recordings WHERE id = ?", (key,)
                ).fetchall()
                assert (
                    state in ("uploaded", "processing", "ready")
                    and (settings.data_dir / original).read_bytes() == expected
                )
            else:
                scores = con.execute(
                    "SELECT s.score FROM review_scores s JOIN reviews r ON r.id = s.review_id "
                    "WHERE r.invitation_id = ? AND r.submitted_at IS NOT NULL",
                    (key,),
                ).fetchall()
                assert scores == [(expected,)]
        named = con.execute(
            "SELECT original_path FROM recordings WHERE original_path IS NOT NULL UNION ALL "
            "SELECT playback_path FROM recordings WHERE playback_path IS NOT NULL UNION ALL "
            "SELECT file_path FROM answers WHERE file_path IS NOT NULL"
        ).fetchall()
        missing = [p for (p,) in named if Path(p).is_absolute() or not (settings.data_dir / p).exists()]
        assert named and missing == []
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # The restored data's audit log says it was restored, from which backup, and where the replaced data is
        [(detail,)] = con.execute("SELECT detail FROM audit_log WHERE action = 'backup.restore'").fetchall()
        said = json.loads(detail)
        assert said["backup"] == made.name and said["replaced_kept_in"].startswith(".replaced-")
    finally:
        con.close()
    aside = next(settings.data_dir.glob(".replaced-*"))
    assert (aside / "boxinterview.db").exists()  # what the restore replaced is kept
    Database.open(settings.database_path).close()  # the restored data opens at this version


def test_rotation_keeps_the_newest_of_each_hour_day_and_week(tmp_path) -> None:
    from datetime import UTC, datetime, timedelta

    _, settings, db, _ = prepare(tmp_path, backup={"hourly": 3, "daily": 2, "weekly": 2})
    db.close()
    start = datetime(2026, 11, 2, 0, 30, tzinfo=UTC)  # a Monday
    made = [backup.BackupInfo(f"b{i}", tmp_path, start + timedelta(hours=6 * i), 0, 0) for i in range(12)]
    kept = backup.kept(made, settings)
    # newest three hours: b11, b10, b9; newest of each of two days: b11 (day 3), b7 (day 2);
    # newest of each of two weeks: only one week here, so b11
    assert kept == {"b11", "b10", "b9", "b7"}


def test_a_restore_cut_short_is_finished_when_the_server_next_starts(tmp_path) -> None:
    data = tmp_path / "var"
    staging, aside = data / ".restore-x", data / ".replaced-x"
    for where, label in ((data, "old"), (staging, "new")):
        (where / "recordings" / "1").mkdir(parents=True)
        (where / "recordings" / "1" / "original.webm").write_text(label)
        (where / "files").mkdir()
        (where / "uploads").mkdir()
        (where / "boxinterview.db").write_text(label)
    (data / "boxinterview.db-wal").write_text("old journal")
    datadir.switch(data, staging, aside, ("boxinterview.db", "uploads", "recordings", "files"))
    assert (data / "boxinterview.db").read_text() == "new" and not (data / "boxinterview.db-wal").exists()
    assert (aside / "boxinterview.db-wal").read_text() == "old journal"

    # The same switch, cut short after the old database went aside and before the new one came in
    (data / "boxinterview.db").rename(tmp_path / "restored.db")
    staging.mkdir()
    (tmp_path / "restored.db").rename(staging / "boxinterview.db")
    (data / ".switch.json").write_text(
        '{"staging": ".restore-x", "aside": ".replaced-x", "items": ["boxinterview.db"]}'
    )
    assert datadir.finish_switch(data) is True
    assert (data / "boxinterview.db").read_text() == "new" and not staging.exists()
    assert (aside / "boxinterview.db").read_text() == "old"  # what was set aside first is not overwritten
    assert datadir.finish_switch(data) is False  # nothing left to do
