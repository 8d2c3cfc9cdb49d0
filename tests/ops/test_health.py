"""Health: /metrics in Prometheus text format for this machine, and the operator told (once a day) when the
disk runs low or backups stop."""

from __future__ import annotations

import dataclasses
import shutil

from boxinterview.domain import api, invitations
from boxinterview.ops import backup, dashboard, health
from boxinterview.pipeline.worker import watch_health
from boxinterview.store import outbox
from tests.support.flows import record_take
from tests.support.live import prepare


async def test_metrics_describe_uploads_processing_disk_and_backups(site) -> None:
    live = site
    inv, token = invitations.invite(live.db, live.interview.id, "Ann", "ann@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    record_take(live.db, live.settings, token, live.interview.questions[0].id, 1, b"x" * 1000)
    backup.run(live.settings)
    client = await live.browser()
    r = await client.get("/metrics")
    text = await r.text()
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    values = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert values["boxinterview_upload_received_bytes"] == 1000
    assert values['boxinterview_jobs{state="queued"}'] == 1  # processing runs in its own worker here
    assert values["boxinterview_disk_free_bytes"] > 0
    assert 0 <= values["boxinterview_last_backup_age_seconds"] < 60
    assert "# TYPE boxinterview_uploads_in_flight gauge" in text
    # Through the proxy (it adds X-Forwarded-For) only with an API token
    outside = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert outside.status == 404
    key = api.create_token(live.db, "prometheus", "t")
    with_token = await client.get(
        "/metrics", headers={"X-Forwarded-For": "203.0.113.9", "Authorization": f"Bearer {key}"}
    )
    assert with_token.status == 200


def test_low_disk_and_stopped_backups_tell_the_operator_once_a_day(tmp_path) -> None:
    _, settings, db, _ = prepare(
        tmp_path,
        smtp={"operator": "ops@example.com"},
        health={"disk_low_gb": 10**9, "backup_max_age_hours": 1},
    )
    assert watch_health(db, settings) == 2  # the disk is "low" at this threshold, and there is no backup yet
    assert watch_health(db, settings) == 0  # not again today
    kinds = sorted(m["kind"].rsplit(".", 1)[0] for m in db.read(outbox.recent, 10))
    assert kinds == ["alert.backup-age", "alert.disk"]
    body = next(m["body"] for m in db.read(outbox.recent, 10) if m["kind"].startswith("alert.disk"))
    assert "The disk is nearly full" in body and "GB" in body
    db.close()


def test_under_systemd_logs_are_logfmt_lines_on_stdout_with_their_priority(tmp_path) -> None:
    import os
    import subprocess
    import sys

    path, _, db, _ = prepare(tmp_path, backup={"copy_to": str(tmp_path / "gone")})
    db.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOXINTERVIEW_")}
    journal = subprocess.run(
        [sys.executable, "-m", "boxinterview", "--config", str(path), "backup"],
        capture_output=True,
        text=True,
        env={**env, "JOURNAL_STREAM": "8:12345"},
    )
    [line] = [x for x in journal.stdout.splitlines() if "boxinterview.mail.alerts" in x]
    assert line.startswith(
        '<4>level=warning logger=boxinterview.mail.alerts msg="A backup failed: BoxError: '
    )
    terminal = subprocess.run(
        [sys.executable, "-m", "boxinterview", "--config", str(path), "backup"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert (
        "WARNING boxinterview.mail.alerts: A backup failed" in terminal.stderr
        and "level=" not in terminal.stdout
    )


def test_the_console_and_the_alerts_judge_disk_and_backups_alike(tmp_path) -> None:
    """The console's dashboard marks as a warning exactly what the operator is alerted about."""
    for low, max_hours in ((100, 1), (0, 0)):
        root = tmp_path / f"{low}-{max_hours}"
        root.mkdir()
        _, settings, db, _ = prepare(
            root, health={"disk_low_percent": low, "disk_low_gb": 0, "backup_max_age_hours": max_hours}
        )
        if not max_hours:
            backup.run(settings)
        found = health.snapshot(db, settings)
        board = dashboard.dashboard(db, settings)
        assert (board.disk.low, board.backup.overdue) == (found.disk.low, found.backup.overdue)
        assert (board.disk.free > 0, board.backup.age is None) == (True, bool(max_hours))
        assert [p.key for p in health.problems(found, settings)] == (["disk", "backup-age"] if low else [])
        db.close()


def test_the_disk_lasts_as_long_as_what_is_written_allows(tmp_path, monkeypatch) -> None:
    _, settings, db, _ = prepare(tmp_path)
    monkeypatch.setattr(
        health, "disk_usage", lambda _path: shutil._ntuple_diskusage(100 * 10**9, 90 * 10**9, 10 * 10**9)
    )
    disk = health.disk(settings, bytes_per_day=2 * 10**9)
    assert (disk.free_percent, disk.days_left, disk.low) == (10.0, 5.0, False)
    assert health.disk(settings).days_left is None  # nothing written: no end in sight
    assert health.disk(
        dataclasses.replace(settings, health=dataclasses.replace(settings.health, disk_low_gb=11))
    ).low
    db.close()
