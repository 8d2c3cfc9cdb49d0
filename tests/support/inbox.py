"""A real SMTP server for tests (aiosmtpd) that keeps what it accepts, envelope and all, or answers with a chosen
refusal; it offers SMTPUTF8 (international addresses) only when asked to."""

from __future__ import annotations

import asyncio
import email
import email.message
from dataclasses import dataclass, field
from email import policy

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    options: list[str]
    raw: bytes
    message: email.message.EmailMessage = field(repr=False)

    @property
    def header_bytes(self) -> bytes:
        return self.raw.split(b"\r\n\r\n", 1)[0]


class Inbox:
    def __init__(self, port: int, smtputf8: bool = False) -> None:
        self.received: list[Received] = []
        self.reply: str | None = None
        self.accept_after = 0.0  # seconds between keeping a message and saying it is accepted
        self.port = port
        self.smtputf8 = smtputf8
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [r.message for r in self.received]

    def up(self) -> None:
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=self.smtputf8
        )
        self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.reply:
            return self.reply
        raw = envelope.original_content or envelope.content
        # A message sent with SMTPUTF8 has its headers in UTF-8, which the bytes parser would leave undecoded.
        if envelope.smtp_utf8:
            message = email.message_from_string(raw.decode("utf-8"), policy=policy.default)
        else:
            message = email.message_from_bytes(raw, policy=policy.default)
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), list(envelope.mail_options), raw, message)
        )
        await asyncio.sleep(self.accept_after)
        return "250 Message accepted for delivery"
