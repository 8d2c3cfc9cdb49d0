"""Delivering the outbox over SMTP: retries with backoff on temporary failures, the server's reply kept on
permanent ones. A message is marked sent only after the SMTP server accepted it; if the sender dies in between,
the message goes again with the same Message-ID, so it can be recognised as the same message."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiosmtplib

from boxinterview import clock
from boxinterview.config import Settings
from boxinterview.errors import BoxError
from boxinterview.mail import compose, schedule
from boxinterview.mail.compose import build
from boxinterview.store import Database
from boxinterview.store import outbox as sql

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 20
POLL_SECONDS = 2.0
SCHEDULE_SECONDS = 60.0
_LINK = re.compile(r"/i/[A-Za-z0-9_-]{20,}")


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _password(settings: Settings) -> str | None:
    path = settings.smtp.password_file
    return Path(path).read_text(encoding="utf-8").strip() if path else None


async def deliver(settings: Settings, message: Any) -> str:
    """Send one EmailMessage; return the server's reply to the data. Raises aiosmtplib errors."""
    s = settings.smtp
    _, reply = await aiosmtplib.send(
        message, hostname=s.host, port=s.port, username=s.username or None, password=_password(settings),
        use_tls=s.security == "tls", start_tls=s.security == "starttls", timeout=s.timeout_seconds,
    )  # fmt: skip
    return reply


def _temporary(exc: Exception) -> tuple[bool, str]:
    """(try again later?, what the server said)"""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [e.code for e in exc.recipients]
        text = "; ".join(f"{e.code} {e.message}" for e in exc.recipients)
        return all(400 <= c < 500 for c in codes), text
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return 400 <= exc.code < 500, f"{exc.code} {exc.message}"
    return True, f"{type(exc).__name__}: {exc}"  # connection refused, timeout: the server is away


async def deliver_due(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Send what is due; returns how many were accepted by the SMTP server."""
    if not settings.smtp.host:
        return 0
    now = now or clock.now()
    due = await db.awrite(sql.claim, now, now + LEASE, BATCH)
    accepted = 0
    for m in due:
        message = build(
            sender=settings.smtp.sender, sender_name=settings.organisation.name, recipient=m["recipient"],
            subject=m["subject"], text=m["body"], html=m["html"], message_id=m["message_id"], reply_to=m["reply_to"],
        )  # fmt: skip
        try:
            await deliver(settings, message)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the message
            again, why = _temporary(exc)
            if again:
                log.info("message %s: will retry (%s)", m["id"], why)
                await db.awrite(sql.retry, m["id"], why, clock.now() + backoff(m["attempts"] + 1))
            else:
                log.warning("message %s to %s refused: %s", m["id"], m["recipient"], why)
                await db.awrite(sql.failed, m["id"], why)
            continue
        # The personal link is not kept in the store once the candidate has it.
        redacted = (
            _LINK.sub("/i/[personal link, removed after sending]", m["body"]) if "/i/" in m["body"] else None
        )
        await db.awrite(sql.sent, m["id"], clock.now(), redacted)
        accepted += 1
    return accepted


async def run(db: Database, settings: Settings, stop: asyncio.Event) -> None:
    last_schedule = 0.0
    while not stop.is_set():
        try:
            if asyncio.get_running_loop().time() - last_schedule >= SCHEDULE_SECONDS:
                last_schedule = asyncio.get_running_loop().time()
                queued = await db.call(schedule.queue_due, db, settings)
                if queued:
                    log.info("queued %d reminder(s)", queued)
            while await deliver_due(db, settings) == BATCH:
                pass
        except Exception:
            log.exception("delivering the outbox failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), POLL_SECONDS)


async def send_test(settings: Settings, to: str) -> str:
    """Send the test message now (not through the outbox); returns the SMTP server's answer, or raises with
    what went wrong."""
    from boxinterview.domain.invitations import check_email

    if not settings.smtp.host:
        raise BoxError("no SMTP server is configured: set smtp.host (and port, security) in the config first")
    letter = compose.render("test", organisation=settings.organisation.name)
    message = compose.build(sender=settings.smtp.sender, recipient=check_email(to), subject=letter.subject,
                            text=letter.text, html=letter.html,
                            message_id=compose.new_message_id(settings.smtp.sender))  # fmt: skip
    return await deliver(settings, message)
