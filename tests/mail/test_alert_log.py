"""An alert checked every minute (backups stopped, a disk running full) is written to the log as often as it is
e-mailed: once a day, not at every check."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from boxinterview.mail import alerts


def test_a_daily_alert_is_logged_once_a_day_however_often_it_is_checked(db, settings, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="boxinterview.mail.alerts")
    first = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)

    def backups_stopped(at: datetime) -> None:
        alerts.alert(db, settings, "test-stopped", "Backups have stopped", "no backup yet", "run one", at)

    for minute in range(5):  # the health check runs every minute
        backups_stopped(first + timedelta(minutes=minute))
    assert [r.getMessage() for r in caplog.records].count(
        "Backups have stopped: no backup yet (run one)"
    ) == 1
    backups_stopped(first + timedelta(days=1))
    assert len(caplog.records) == 2  # the next day, once more
    for _ in range(2):  # an alert that is not daily is told each time it happens
        db.write(alerts.queue_in, settings, "test-each", "A take failed", "job 7", "look", first, False)
    assert len(caplog.records) == 4
