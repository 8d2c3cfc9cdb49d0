"""Telling the operator when something needs them: a message to `smtp.operator` queued in the outbox (and a
warning in the log either way). Repeating conditions (a failing hourly backup, a disk that stays low) send one
message a day, not one each time."""

from __future__ import annotations

import logging
from datetime import date, datetime

import apsw

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.mail import letters
from boxinterview.mail.compose import render
from boxinterview.store import Database
from boxinterview.store import notices as notices_sql

log = logging.getLogger("boxinterview.mail.alerts")


_LOGGED: dict[str, date] = {}  # the day each daily alert was last written to this process's log


def queue_in(
    con: apsw.Connection,
    settings: Settings,
    key: str,
    what: str,
    detail: str,
    action: str,
    now: datetime,
    daily: bool = True,
) -> bool:
    """Queue the alert inside the caller's transaction; False when there is no operator address or it was
    already sent today."""
    kind = f"alert.{key}.{now.strftime('%Y-%m-%d')}" if daily else f"alert.{key}"
    # The log says it as often as the e-mail would: a daily alert once a day, not at every check
    if not daily or _LOGGED.get(key) != now.date():
        log.warning("%s: %s (%s)", what, detail, action)
        if daily:
            _LOGGED[key] = now.date()
    operator = settings.smtp.operator
    if not operator or (daily and notices_sql.already_queued(con, kind, operator)):
        return False
    head = letters.Letterhead.from_settings(settings)
    letter = render("alert", organisation=head.organisation, what=what, detail=detail, action=action)
    letters.queue(con, head, kind, None, operator, letter, now)
    return True


def alert(
    db: Database,
    settings: Settings,
    key: str,
    what: str,
    detail: str,
    action: str,
    now: datetime | None = None,
) -> bool:
    return db.write(queue_in, settings, key, what, detail, action, now or clock.now())
