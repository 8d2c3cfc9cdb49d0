"""Delivering the outbox over SMTP. Each message is built and sent on its own, so one that cannot be built or
sent never holds up the others. Temporary failures (the server is away, a 4xx reply) are retried with backoff
up to `smtp.max_attempts`; permanent ones (a 5xx refusal, an address that cannot be sent, a message that
cannot be built) end the message failed with the reason, and the operator is told once a day for each kind.

A message is marked sent only after the SMTP server accepted it; if the sender dies in between, the message goes
again with the same Message-ID, so it can be recognised as the same message."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiosmtplib
import apsw

from boxinterview import clock
from boxinterview.config import logo as logos
from boxinterview.config.settings import Settings
from boxinterview.errors import BoxError, Invalid
from boxinterview.mail import alerts, compose, schedule
from boxinterview.mail.compose import Outgoing, build
from boxinterview.store import Database
from boxinterview.store import outbox as sql

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 20
POLL_SECONDS = 2.0
SCHEDULE_SECONDS = 60.0
_LINK = re.compile(r"/i/[A-Za-z0-9_-]{20,}")


class Unsendable(BoxError):
    """This message cannot be sent as it is, however often it is tried (e.g. an international address and a
    server without SMTPUTF8)."""


@dataclass(frozen=True)
class Verdict:
    again: bool  # a temporary condition: try later
    why: str  # what the server said, or what is wrong, for the operator
    kind: str  # what the operator is told when it ends the message: a key of _ALERTS (one alert a day each)


# What the operator is told for each kind of permanent failure: (what happened, what to do).
_ALERTS = {
    "refused": (
        "The mail server refused a message",
        "Check the address (`boxinterview mail outbox` lists failed messages with the server's reply).",
    ),
    "address": (
        "A message could not be sent to its address",
        "Ask for another address or send it by hand (`boxinterview mail outbox --show ID`); an address "
        "with non-ASCII characters before the @ needs an SMTP server that supports SMTPUTF8.",
    ),
    "unbuildable": (
        "A message could not be put together",
        "The log has the details; check organisation.name and the smtp addresses in the settings.",
    ),
    "fault": (
        "A message could not be sent because of an unexpected error",
        "The log has the details (the traceback); please report it with the message's kind.",
    ),
    "gave-up": (
        "A message could not be sent after every retry",
        "Check the SMTP server with `boxinterview mail test --to ADDR`; invitations can be sent again "
        "with `boxinterview resend ID`.",
    ),
}


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _password(settings: Settings) -> str | None:
    path = settings.smtp.password_file
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:  # a setting to fix, not a fault of the message: retried like a server that is away
        raise ConnectionError(f"cannot read smtp.password_file {path}: {exc.strerror}") from None


async def deliver(settings: Settings, out: Outgoing) -> str:
    """Send one built message with its own envelope; return the server's reply to the data. Raises Unsendable
    when the message needs SMTPUTF8 and the server does not offer it, else aiosmtplib's errors."""
    s = settings.smtp
    client = aiosmtplib.SMTP(
        hostname=s.host,
        port=s.port,
        username=s.username or None,
        password=_password(settings),
        use_tls=s.security == "tls",
        start_tls=s.security == "starttls",
        timeout=s.timeout_seconds,
    )
    async with client:
        if client.is_ehlo_or_helo_needed:
            try:
                await client.ehlo()
            except aiosmtplib.SMTPHeloError:
                await client.helo()  # an old server: no extensions, so no SMTPUTF8 and 7-bit bodies
        options = []
        if out.international:
            if not client.supports_extension("smtputf8"):
                raise Unsendable(
                    f"{out.international} has non-ASCII characters before the @, and the SMTP server {s.host} "
                    "does not support international addresses (SMTPUTF8)"
                )
            options.append("SMTPUTF8")
        eight_bit = client.supports_extension("8bitmime")
        if eight_bit:
            options.append("BODY=8BITMIME")
        _, reply = await client.sendmail(
            out.sender, [out.recipient], out.data(eight_bit), mail_options=options
        )
    return reply


def judge(exc: Exception) -> Verdict:
    """Whether a failure is worth another try, and what it was."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [e.code for e in exc.recipients]
        text = "; ".join(f"{e.code} {e.message}" for e in exc.recipients)
        return Verdict(all(400 <= c < 500 for c in codes), text, "refused")
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        # The appliance's login, not the message: retried (up to the limit) while the operator fixes it.
        return Verdict(True, f"the SMTP server refused the login: {exc.code} {exc.message}", "gave-up")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return Verdict(400 <= exc.code < 500, f"{exc.code} {exc.message}", "refused")
    if isinstance(exc, Unsendable | Invalid):
        return Verdict(False, str(exc), "address")
    if isinstance(exc, aiosmtplib.SMTPException | OSError | TimeoutError):
        return Verdict(True, f"{type(exc).__name__}: {exc}", "gave-up")  # connection refused, timeout: away
    # Anything else is a fault in this program or a library: trying again will not help.
    return Verdict(False, f"{type(exc).__name__}: {exc}", "fault")


def _logo(settings: Settings) -> logos.Logo | None:
    """The organisation's logo for messages, read as each message is built (it was checked at start; a file
    changed or gone since costs the picture, never the message)."""
    if not settings.organisation.logo:
        return None
    try:
        return logos.read(Path(settings.organisation.logo))
    except logos.LogoProblem as exc:
        log.warning("messages go without the logo: organisation.logo: %s", exc)
        return None


def _outgoing(settings: Settings, m: dict[str, Any]) -> Outgoing:
    """A queued message as it goes out; those to a candidate (about their invitation) carry the logo."""
    return build(
        sender=settings.smtp.sender,
        sender_name=settings.organisation.name,
        recipient=m["recipient"],
        subject=m["subject"],
        text=m["body"],
        html=m["html"],
        message_id=m["message_id"],
        reply_to=m["reply_to"],
        logo=_logo(settings) if m["invitation_id"] is not None else None,
        recipient_name=m["recipient_name"],
        language=m["language"],
    )


def _give_up(con: apsw.Connection, settings: Settings, m: dict[str, Any], verdict: Verdict) -> None:
    """Mark the message failed with the reason and tell the operator, in one transaction."""
    sql.failed(con, m["id"], verdict.why)
    if m["kind"].startswith("alert."):
        return  # an alert that cannot be sent is only logged: telling about it would need the same mail
    what, action = _ALERTS[verdict.kind]
    detail = f"Message {m['id']} ({m['kind']}) to {m['recipient']}: {verdict.why}"
    alerts.queue_in(con, settings, f"mail.{verdict.kind}", what, detail, action, clock.now())


async def _settle(db: Database, settings: Settings, m: dict[str, Any], verdict: Verdict) -> None:
    attempt = m["attempts"] + 1  # the row was read as it was before this claim counted it
    if verdict.again and attempt < settings.smtp.max_attempts:
        log.info("message %s: will retry (%s)", m["id"], verdict.why)
        await db.awrite(sql.retry, m["id"], verdict.why, clock.now() + backoff(attempt))
        return
    if verdict.again:
        verdict = Verdict(False, f"gave up after {attempt} attempts; the last: {verdict.why}", "gave-up")
    log.warning("message %s to %s failed: %s", m["id"], m["recipient"], verdict.why)
    await db.awrite(_give_up, settings, m, verdict)


async def deliver_due(
    db: Database, settings: Settings, now: datetime | None = None, stop: asyncio.Event | None = None
) -> int:
    """Send what is due; returns how many were accepted by the SMTP server. Once `stop` is set, no other message
    is begun (those claimed and not begun go when their lease ends)."""
    if not settings.smtp.host:
        return 0
    now = now or clock.now()
    due = await db.awrite(sql.claim, now, now + LEASE, BATCH)
    accepted = 0
    for m in due:
        if stop is not None and stop.is_set():
            break
        try:
            out = _outgoing(settings, m)
        except Exception as exc:  # noqa: BLE001 - whatever it is, this message ends failed, the others go on
            if isinstance(exc, Invalid):  # a value it cannot use, which the reason names
                kind, why = ("address" if exc.problems else "unbuildable"), str(exc)
            else:  # a fault here: the traceback goes to the log
                log.exception("message %s could not be built", m["id"])
                kind, why = "unbuildable", f"{type(exc).__name__}: {exc}"
            await _settle(db, settings, m, Verdict(False, f"could not be built: {why}", kind))
            continue
        try:
            await deliver(settings, out)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the message
            verdict = judge(exc)
            if verdict.kind == "fault":
                log.exception("message %s could not be sent", m["id"])
            await _settle(db, settings, m, verdict)
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
            while await deliver_due(db, settings, stop=stop) == BATCH and not stop.is_set():
                pass
        except Exception:
            log.exception("delivering the outbox failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), POLL_SECONDS)


async def send_test(settings: Settings, to: str) -> str:
    """Send the test message now (not through the outbox) the way every message is sent: built by the same
    code, with the same From, Reply-To and envelope. Returns the SMTP server's answer, or raises with what went
    wrong."""
    from boxinterview.domain.invitations import check_email

    if not settings.smtp.host:
        raise BoxError("no SMTP server is configured: set smtp.host (and port, security) in the config first")
    letter = compose.render(
        "test", organisation=settings.organisation.name, accent=settings.organisation.accent_colour
    )
    out = build(
        sender=settings.smtp.sender,
        sender_name=settings.organisation.name,
        recipient=check_email(to),
        subject=letter.subject,
        text=letter.text,
        html=letter.html,
        reply_to=settings.smtp.reply_to,
        message_id=compose.new_message_id(settings.smtp.sender),
        logo=_logo(settings),  # as candidates see it
    )
    return await deliver(settings, out)
