"""A German interview from end to end, as a candidate in Berlin lives it: the invitation e-mail, every page, the
device check and the thank-you e-mail in German, dates written the German way in Berlin time — and answers that
become playable."""

from __future__ import annotations

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from boxinterview import i18n
from boxinterview.domain import invitations, recordings
from boxinterview.mail.letters import Letterhead
from tests.conftest import free_port
from tests.support.browser import chromium, serious_accessibility_problems
from tests.support.candidate_steps import RECORDING, open_interview
from tests.support.inbox import Inbox
from tests.support.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEADLINE = datetime(2036, 12, 12, 17, 0, tzinfo=ZoneInfo("Europe/Berlin"))
GERMAN_INTERVIEW = f"""\
title: Kundenservice Erstgespräch
role: Kundenberater:in (m/w/d)
language: de
time_zone: Europe/Berlin
deadline: {DEADLINE.isoformat()}
support_contact: bewerbung@example.com
competencies:
  - name: Klarheit
    anchors: {{1: Unklar, 3: Klar, 5: Sehr klar}}
questions:
  - {{prompt: "Stellen Sie sich kurz vor.", kind: video, think_seconds: 2, answer_seconds: 8, takes: 2, competencies: [Klarheit]}}
  - {{prompt: "Was ist Ihnen im Kundenservice wichtig?", kind: text, answer_seconds: 300, max_chars: 500, competencies: [Klarheit]}}
"""
DE = i18n.language("de")


def german(english: str, domain: str = "web", **values: object) -> str:
    """The German the candidate reads for an English msgid (from the shipped catalogue, which must have it)."""
    text = DE.gettext(english, domain)
    assert text != english, f"not translated: {english!r}"
    return text % values if values else text


def arrived(inbox: Inbox, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(inbox.received) < count:
        assert time.monotonic() < deadline, [m["Subject"] for m in inbox.messages]
        time.sleep(0.2)


@pytest.fixture
def inbox():
    smtp = Inbox(free_port())
    smtp.up()
    yield smtp
    smtp.down()


async def test_a_german_interview_from_the_invitation_to_the_thank_you(tmp_path, inbox) -> None:
    with live_server(
        tmp_path,
        media={"worker_in_server": True},
        organisation={"name": "Müller & Söhne GmbH"},
        smtp={"host": "127.0.0.1", "port": inbox.port, "from": "bewerbung@example.com"},
    ) as live:
        interview = open_interview(live, GERMAN_INTERVIEW)
        inv, _ = invitations.invite(
            live.db,
            interview.id,
            "Jörg Müller",
            "joerg@example.com",
            "test",
            letterhead=Letterhead.from_settings(live.settings),
        )

        # The invitation e-mail: German, with the deadline as Germans write it, in Berlin time
        arrived(inbox, 1)
        letter = inbox.messages[0]
        assert letter["Content-Language"] == "de"
        assert letter["To"].addresses[0].display_name == "Jörg Müller"
        body = letter.get_body(("plain",)).get_content()
        assert "Freitag, 12. Dezember 2036, 17:00 MEZ" in body
        assert body.startswith(german("Dear %(name)s,", "mail", name="Jörg Müller"))
        link = re.search(r"https?://\S+/i/[\w-]+", body).group(0)

        async with chromium(locale="de-DE", timezone_id="Europe/Berlin") as context:
            page = await context.new_page()
            await page.goto(live.base + link[link.index("/i/") :])
            assert await page.get_attribute("html", "lang") == "de"
            await expect(page.get_by_role("heading", name=german("What to expect"))).to_be_visible()
            await expect(page.locator("time")).to_have_text("Freitag, 12. Dezember 2036, 17:00 MEZ")
            problems = await serious_accessibility_problems(page)
            await page.get_by_label(
                german(
                    "I have read the privacy notice and agree that my answers are recorded and reviewed for this "
                    "application."
                )
            ).check()
            await page.get_by_role("button", name=german("Agree and continue")).click()

            # The device check speaks German
            await page.wait_for_url("**/check")
            await expect(page.get_by_text(german("Browser: can record ✓"))).to_be_visible(timeout=RECORDING)
            await expect(page.get_by_text(german("Camera: working ✓"))).to_be_visible(timeout=RECORDING)
            problems += await serious_accessibility_problems(page)
            await page.get_by_role("link", name=german("Continue to a practice question")).click()

            # Practice, one video answer, one written answer
            await expect(page.get_by_text(german("Practice question (not saved)"))).to_be_visible(
                timeout=RECORDING
            )
            start, stop = german("Start recording now"), german("Stop recording")
            await page.get_by_role("button", name=start).click(timeout=RECORDING)
            await page.wait_for_timeout(1200)
            await page.get_by_role("button", name=stop).click()
            await page.get_by_role("button", name=german("Start the interview")).click()
            await expect(
                page.get_by_text(german("Question %(position)s of %(total)s", position=1, total=2))
            ).to_be_visible()
            await page.get_by_role("button", name=start).click(timeout=RECORDING)
            await page.wait_for_timeout(2500)
            await page.get_by_role("button", name=stop).click()
            await page.get_by_role("button", name=german("Submit this answer")).click(timeout=RECORDING)
            await expect(
                page.get_by_role("status").filter(
                    has_text=german("Answer %(position)s of %(total)s saved ✓", position=1, total=2)
                )
            ).to_be_visible(timeout=60_000)
            await page.fill("#text", "Zuhören, verstehen, dann gründlich lösen — das ist mir wichtig.")
            await page.get_by_role("button", name=german("Submit this answer")).click()
            await page.get_by_role("button", name=german("Finish the interview")).click(timeout=60_000)
            await page.wait_for_url("**/done", timeout=30_000)
            assert await page.get_attribute("html", "lang") == "de"
            await expect(page.get_by_role("heading", name=german("Thank you!"))).to_be_visible()
            problems += await serious_accessibility_problems(page)
        assert problems == []

        # The thank-you e-mail, in German too
        arrived(inbox, 2)
        thanks = inbox.messages[1]
        assert thanks["Content-Language"] == "de"
        assert (
            german("Dear %(name)s,", "mail", name="Jörg Müller") in thanks.get_body(("plain",)).get_content()
        )
        assert thanks["Subject"] != letter["Subject"]

        # And the video answer became playable
        deadline = time.monotonic() + 90
        while True:
            found = [r for r in recordings.listing(live.db) if r.invitation_id == inv.id]
            if found and all(r.state in ("ready", "rejected", "failed") for r in found):
                break
            assert time.monotonic() < deadline, [(r.id, r.state) for r in found]
            time.sleep(0.3)
        assert "ready" in {r.state for r in found}
