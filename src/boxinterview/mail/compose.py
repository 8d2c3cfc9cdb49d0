"""Composing messages: Jinja2 templates to a subject, a text body and an HTML body; an RFC 5322 message."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

import jinja2

from boxinterview import clock
from boxinterview.errors import Invalid

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("boxinterview.mail", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_HEADER_UNSAFE = re.compile(r"[\r\n\x00]")


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str


def render(kind: str, **context: Any) -> Letter:
    """`kind.subject.txt`, `kind.txt` and `kind.html` from the templates, with `context`."""
    subject = " ".join(_env.get_template(f"{kind}.subject.txt").render(**context).split())
    if _HEADER_UNSAFE.search(subject):
        raise Invalid("a subject cannot contain line breaks")
    return Letter(subject, _env.get_template(f"{kind}.txt").render(**context).strip() + "\n",
                  _env.get_template(f"{kind}.html").render(**context))  # fmt: skip


def new_message_id(sender: str) -> str:
    """A Message-ID fixed when the message is queued, so a resend after a crash is recognisably the same."""
    domain = sender.rpartition("@")[2] or "boxinterview.local"
    return make_msgid(idstring=secrets.token_hex(8), domain=domain)


def safe_header(value: str, what: str) -> str:
    if _HEADER_UNSAFE.search(value):
        raise Invalid(f"the {what} contains a line break; that is not allowed in an e-mail header")
    return value


def build(
    *, sender: str, recipient: str, subject: str, text: str, html: str, message_id: str, reply_to: str = "",
    sender_name: str = "",
) -> EmailMessage:  # fmt: skip
    msg = EmailMessage()
    msg["From"] = formataddr((safe_header(sender_name, "sender name"), sender)) if sender_name else sender
    msg["To"] = safe_header(recipient, "recipient")
    msg["Subject"] = safe_header(subject, "subject")
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(clock.now())
    if reply_to:
        msg["Reply-To"] = safe_header(reply_to, "Reply-To")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg
