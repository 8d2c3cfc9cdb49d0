"""The organisation's face in candidates' e-mails, through a real SMTP server (aiosmtpd): the logo travels in
the message as an inline picture its HTML names by Content-ID, the call to action is a button in the accent,
and the text part is as it always was."""

from __future__ import annotations

import asyncio
import re

import pytest

from boxinterview.domain import invitations
from boxinterview.mail import compose, sender
from boxinterview.mail.letters import Letterhead
from tests.conftest import free_port
from tests.support import logos
from tests.support.inbox import Inbox
from tests.support.live import prepare


@pytest.fixture
def smtp():
    inbox = Inbox(free_port())
    inbox.up()
    yield inbox
    inbox.down()


def _site(tmp_path, smtp, **organisation):
    return prepare(
        tmp_path,
        smtp={"host": "127.0.0.1", "port": smtp.port, "from": "jobs@example.com"},
        organisation={"name": "Acme & Sons", **organisation},
    )


def _invite(settings, db, interview) -> str:
    head = Letterhead.from_settings(settings)
    _, token = invitations.invite(db, interview.id, "Ann Example", "ann@example.com", "t", letterhead=head)
    assert asyncio.run(sender.deliver_due(db, settings)) == 1
    return token


def test_the_invitation_carries_the_logo_inline_and_the_accent_on_its_button(tmp_path, smtp) -> None:
    logo = logos.png(tmp_path / "logo.png", width=120, height=40)
    _, settings, db, interview = _site(tmp_path, smtp, logo=str(logo), accent="#8a1c7c")
    token = _invite(settings, db, interview)
    db.close()
    [msg] = smtp.messages
    assert msg.get_content_type() == "multipart/alternative"
    plain, related = msg.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    assert image.get_payload(decode=True) == logo.read_bytes()
    cid = image["Content-ID"].strip()
    assert re.fullmatch(r"<[^<>@\s]+@example\.com>", cid)
    html = html_part.get_content()
    assert f'<img src="cid:{cid[1:-1]}" alt="Acme &amp; Sons" width="144" height="48"' in html
    assert "http" not in html.split('<img src="cid:', 1)[1].split(">", 1)[0]  # nothing to fetch
    button = re.search(rf'<a href="{re.escape(settings.base_url)}/i/{token}" style="([^"]+)">', html)
    assert button is not None
    assert "background-color:#8a1c7c" in button.group(1) and "color:#ffffff" in button.group(1)
    text = plain.get_content()
    assert "cid:" not in text and "<" not in text and f"/i/{token}" in text


def test_without_branding_the_invitation_is_plain_alternative_with_the_product_colour(tmp_path, smtp) -> None:
    _, settings, db, interview = _site(tmp_path, smtp)
    _invite(settings, db, interview)
    db.close()
    [msg] = smtp.messages
    assert [p.get_content_type() for p in msg.get_payload()] == ["text/plain", "text/html"]
    html = msg.get_body(("html",)).get_content()
    assert "cid:" not in html and "background-color:#0b57d0" in html


def test_an_svg_logo_stays_out_of_mail_which_mail_programs_would_not_show(tmp_path, smtp) -> None:
    svg = tmp_path / "logo.svg"
    svg.write_text(logos.SVG)
    _, settings, db, interview = _site(tmp_path, smtp, logo=str(svg))
    _invite(settings, db, interview)
    db.close()
    [msg] = smtp.messages
    assert [p.get_content_type() for p in msg.get_payload()] == ["text/plain", "text/html"]
    assert "cid:" not in msg.get_body(("html",)).get_content()


def test_a_logo_gone_since_start_costs_the_picture_not_the_message(tmp_path, smtp) -> None:
    logo = logos.png(tmp_path / "logo.png")
    _, settings, db, interview = _site(tmp_path, smtp, logo=str(logo))
    logo.unlink()
    _invite(settings, db, interview)
    db.close()
    [msg] = smtp.messages
    assert "cid:" not in msg.get_body(("html",)).get_content()


def test_the_test_message_shows_the_operator_the_logo_as_candidates_get_it(tmp_path, smtp) -> None:
    logo = logos.by_ffmpeg(tmp_path / "logo.jpg", width=96, height=32)
    _, settings, db, _ = _site(tmp_path, smtp, logo=str(logo))
    db.close()
    asyncio.run(sender.send_test(settings, "ops@example.com"))
    [msg] = smtp.messages
    html_part = msg.get_body(("html",))
    [image] = [p for p in msg.walk() if p.get_content_maintype() == "image"]
    assert image.get_content_type() == "image/jpeg"
    assert f'src="cid:{image["Content-ID"].strip()[1:-1]}"' in html_part.get_content()


@pytest.mark.parametrize("kind", ["invitation", "reminder", "extension", "nudge"])
def test_every_message_with_the_candidates_link_draws_it_in_the_accent(kind: str) -> None:
    letter = compose.preview(kind, accent="#8a1c7c")
    link = compose.OWN_WORDING[kind][1]["link"]
    anchor = re.search(rf'<a href="{re.escape(link)}" style="([^"]+)">', letter.html)
    assert anchor is not None and "#8a1c7c" in anchor.group(1)
    assert "#8a1c7c" not in letter.text and "style" not in letter.text
