"""Composing messages: Jinja2 templates to a subject, a text body and an HTML body; an RFC 5322 message."""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass
from email import policy
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from io import BytesIO
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.sandbox
from markupsafe import Markup

from boxinterview import clock, i18n
from boxinterview.config import colour
from boxinterview.config.logo import Logo
from boxinterview.errors import Invalid
from boxinterview.mail import addresses, headers
from boxinterview.mail.values import Words


@functools.cache
def _environment(code: str) -> jinja2.Environment:
    """The message templates in one language, with its catalogue installed."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("boxinterview.mail", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # as the strings are extracted
    env.filters["strong"] = _strong
    env.install_gettext_translations(i18n.language(code).translations("mail"), newstyle=True)  # type: ignore[attr-defined]
    return env


def _strong(value: object) -> Markup:
    """A value set in bold inside a translated sentence of an HTML message (the sentence is the same as the
    text message's, so it is translated once)."""
    return Markup("<strong>{}</strong>").format(value)


# An interview's own wording is operator input: rendered in a sandbox, as plain text.
_own = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
_LINK = re.compile(r"https?://[^\s<>\"]+")

# The messages an interview may word in its own way, what each is, and the values its wording can use (with the
# sample values English previews show; `preview` shows them in the interview's language).
_DESCRIPTIONS = {
    "invitation": "the invitation with the personal link",
    "reminder": "a reminder before the deadline",
    "nudge": "a nudge to a candidate who started but did not finish",
    "extension": "a new deadline",
    "confirmation": "the thank-you when the interview is submitted",
    "outcome.advance": "the decision to advance",
    "outcome.reject": "the decision not to continue",
    "outcome.hold": "the decision to wait",
}
_ENGLISH = Words().samples()
OWN_WORDING: dict[str, tuple[str, dict[str, Any]]] = {k: (d, _ENGLISH[k]) for k, d in _DESCRIPTIONS.items()}
_MUST_USE = {
    "invitation": "link",
    "reminder": "link",
    "nudge": "link",
    "extension": "link",
    "outcome.advance": "feedback",
    "outcome.reject": "feedback",
    "outcome.hold": "feedback",
}


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str
    language: str = ""  # what a candidate's message is written in (its Content-Language); "" for the team's


def render(
    kind: str,
    own: tuple[str, str] | None = None,
    language: str = i18n.DEFAULT,
    accent: str = colour.DEFAULT,
    **context: Any,
) -> Letter:
    """`kind.subject.txt`, `kind.txt` and `kind.html` from the templates in `language`, with `context`; or, with
    `own`, the interview's own (subject, text) wording, whose HTML follows the text. A message to a candidate is
    in `language` (the messages to the team and the operator are in English); the values in `context` come
    already written in it (see values.Words). The HTML draws the call to action (the candidate's link) as a
    button in the organisation's `accent` (`button`, an inline style: mail programs drop stylesheets)."""
    context = {"accent": accent, "button": colour.button_style(accent), **context}
    if own is not None:
        subject, text = (_own.from_string(t).render(**context) for t in own)
        html = None
    else:
        env = _environment(language)
        subject = env.get_template(f"{kind}.subject.txt").render(**context)
        text = env.get_template(f"{kind}.txt").render(**context)
        html = env.get_template(f"{kind}.html").render(**context) if f"{kind}.html" in _templates() else None
    subject = " ".join(subject.split())
    text = text.strip() + "\n"
    written_in = i18n.language(language).code if kind in OWN_WORDING else ""
    return Letter(subject, text, html if html is not None else text_to_html(text), written_in)


def _templates() -> set[str]:
    return set(_environment(i18n.DEFAULT).list_templates())


def text_to_html(text: str) -> str:
    """Plain paragraphs as HTML, links made clickable: for messages worded as plain text."""

    def paragraph(p: str) -> str:
        body = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escape(p.strip(), quote=False))
        return f"<p>{body.replace(chr(10), '<br>')}</p>"

    return (
        "<!doctype html>\n<html><body>"
        + "".join(paragraph(p) for p in text.split("\n\n") if p.strip())
        + ("</body></html>\n")
    )


def with_logo(html: str, logo: Logo, cid: str, alt: str) -> str:
    """The HTML body with the logo at its top, as the inline picture `cid` (a part of the message itself, which
    mail programs show without fetching anything)."""
    height = 48
    width = round(logo.width * height / logo.height) if logo.width and logo.height else None
    size = f' width="{width}" height="{height}"' if width else f' height="{height}"'
    img = f'<p><img src="cid:{cid}" alt="{escape(alt)}"{size} style="border:0;height:{height}px;width:auto"></p>\n'
    at = html.find("<body>")
    return html[: at + 6] + img + html[at + 6 :] if at >= 0 else img + html


def check_own_wording(kind: str, subject: str, text: str) -> list[tuple[str, str]]:
    """What is wrong with an interview's own wording of a message, as (field, problem); empty when it is fine."""
    if kind not in OWN_WORDING:
        return [
            ("", f"{kind!r} is not a message an interview can word; choose from {', '.join(OWN_WORDING)}")
        ]
    problems = []
    context = OWN_WORDING[kind][1]
    available = ", ".join("{{ " + k + " }}" for k in context)
    for field, source in (("subject", subject), ("text", text)):
        if not source.strip():
            problems.append((field, "must not be empty"))
            continue
        try:
            _own.from_string(source).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            problems.append((field, f"line {exc.lineno}: {exc.message}"))
        except jinja2.UndefinedError as exc:
            problems.append((field, f"{exc.message}; this message can use {available}"))
        except jinja2.exceptions.SecurityError as exc:
            problems.append((field, f"not allowed in a message: {exc}"))
    if "\n" in subject.strip():
        problems.append(("subject", "must be one line"))
    need = _MUST_USE.get(kind)
    if need and not any(p[0] == "text" for p in problems) and "{{" + need not in text.replace("{{ ", "{{"):
        problems.append(("text", f"must include {{{{ {need} }}}}, or the candidate will not get it"))
    return problems


def preview(
    kind: str,
    own: tuple[str, str] | None = None,
    language: str = i18n.DEFAULT,
    time_zone: str = "UTC",
    **context: Any,
) -> Letter:
    """A message as a candidate would get it, in `language`, with sample values (written in that language and
    time zone) for whatever `context` does not give."""
    samples = Words(language, time_zone).samples()[kind]
    return render(kind, own, language=language, **{**samples, **context})


def new_message_id(sender: str) -> str:
    """A Message-ID fixed when the message is queued, so a resend after a crash is recognisably the same."""
    try:
        domain = addresses.parse(sender).domain
    except Invalid:
        domain = "boxinterview.local"  # the sender is refused with its reason when the message goes out
    return make_msgid(idstring=secrets.token_hex(8), domain=domain)


def safe_header(value: str, what: str) -> str:
    if any(c in addresses.LINE_BREAKS for c in value):
        raise Invalid(f"the {what} contains a line break; that is not allowed in an e-mail header")
    return value


@dataclass(frozen=True)
class Outgoing:
    """A message as it goes to the SMTP server: the envelope's addresses (domains in ASCII) and the address, if
    any, with non-ASCII characters before the @, which only a server offering SMTPUTF8 takes."""

    message: EmailMessage
    sender: str
    recipient: str
    international: str = ""

    def data(self, eight_bit: bool) -> bytes:
        """The message as sent: headers in ASCII with names and subjects RFC 2047-encoded, unless an address
        needs UTF-8 (then the SMTPUTF8 policy writes the headers in UTF-8); bodies in 7 bits unless the server
        takes 8BITMIME."""
        chosen = headers.SMTPUTF8 if self.international else headers.SMTP
        out = BytesIO()
        BytesGenerator(out, policy=chosen.clone(cte_type="8bit" if eight_bit else "7bit")).flatten(
            self.message
        )
        return out.getvalue()


def build(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    reply_to: str = "",
    sender_name: str = "",
    logo: Logo | None = None,
    recipient_name: str = "",
    language: str = "",
) -> Outgoing:
    """The message every path sends (the outbox, `mail test`): `sender` is smtp.from as written, with or without
    a display name; without one, `sender_name` (the organisation) is shown. `recipient_name` is shown with the
    recipient's address, and `language` (a candidate's message) is its Content-Language. With a `logo` the HTML
    shows it at the top, attached beside the HTML (multipart/related) and named by its Content-ID. Raises Invalid when an
    address or header cannot be used, saying which."""
    author = addresses.parse(sender, "sender address (smtp.from)")
    if not author.display_name and sender_name:
        author = Address(" ".join(sender_name.split()), author.username, author.domain)
    to = addresses.parse(safe_header(recipient, "recipient"), "recipient")
    # The name is only shown: anything that would break the header line is written as a space.
    shown = " ".join("".join(" " if c in addresses.LINE_BREAKS else c for c in recipient_name).split())
    if not to.display_name and shown:
        to = Address(shown, to.username, to.domain)
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = author
    msg["To"] = to
    msg["Subject"] = safe_header(subject, "subject")
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(clock.now())
    answers_to = addresses.parse(reply_to, "Reply-To address (smtp.reply_to)") if reply_to.strip() else None
    if answers_to is not None:
        msg["Reply-To"] = answers_to
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    if html and logo is not None and logo.in_mail:
        cid = make_msgid(idstring="logo", domain=author.domain or "boxinterview.local")
        msg.add_alternative(
            with_logo(html, logo, cid[1:-1], sender_name or author.display_name), subtype="html"
        )
        html_part = msg.get_body(("html",))
        assert html_part is not None  # just added
        maintype, subtype = logo.media_type.split("/")
        html_part.add_related(
            logo.data, maintype, subtype, cid=cid, disposition="inline", filename=f"logo.{logo.kind}"
        )
    elif html:
        msg.add_alternative(html, subtype="html")
    if language:  # after the body: making it multipart moves every Content- header into the first part
        msg["Content-Language"] = language.replace("_", "-")
    needs_utf8 = [
        a.addr_spec for a in (to, author, answers_to) if a is not None and addresses.international(a)
    ]
    out = Outgoing(msg, author.addr_spec, to.addr_spec, needs_utf8[0] if needs_utf8 else "")
    out.data(eight_bit=False)  # written once here, so a message that cannot be written fails as unbuildable
    return out
