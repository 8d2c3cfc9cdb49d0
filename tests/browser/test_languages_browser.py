"""Languages in a real browser: a right-to-left interview lays out from the right, a date is rewritten only for a
reader in another time zone, and the German invitation as the README shows it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.browser import chromium, screenshot_dir
from tests.support.candidate_steps import box, invite, open_interview
from tests.support.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEADLINE = datetime(2037, 12, 11, 16, 0, tzinfo=UTC)
NOTICE = (  # the operator writes it in the language of their candidates
    "Wir verwenden Ihre Antworten ausschließlich, um Ihre Bewerbung für diese Stelle zu beurteilen. Ihre "
    "Aufnahmen und Antworten sieht nur das Recruiting-Team; danach werden sie gelöscht. Sie können jederzeit "
    "Auskunft oder eine frühere Löschung verlangen."
)


def interview_yaml(language: str, zone: str, role: str, intro: str, prompt: str) -> str:
    return f"""\
title: {role}
role: {role}
language: {language}
time_zone: {zone}
intro: {intro}
support_contact: bewerbung@mueller-soehne.example
allow_accommodations: true
competencies:
  - name: Clarity
    anchors: {{1: Unclear, 3: Clear, 5: Very clear}}
questions:
  - {{prompt: "{prompt}", kind: video, think_seconds: 30, answer_seconds: 90, takes: 2, competencies: [Clarity]}}
  - {{prompt: "{prompt} (2)", kind: audio, think_seconds: 20, answer_seconds: 60, takes: 1, competencies: [Clarity]}}
  - {{prompt: "{prompt} (3)", kind: text, answer_seconds: 600, max_chars: 1500, competencies: [Clarity]}}
"""


@pytest.fixture
def live(tmp_path: Path):
    organisation = {"name": "Müller & Söhne GmbH", "privacy_notice": NOTICE}
    with live_server(tmp_path, organisation=organisation) as server:
        yield server


async def test_a_right_to_left_interview_is_laid_out_from_the_right(live, tmp_path: Path) -> None:
    open_interview(live, interview_yaml("ar", "Asia/Dubai", "مدير المستودع", "نرحب بك.", "عرّف بنفسك"))
    token, _ = invite(live, consent=False, deadline=DEADLINE)
    async with chromium(timezone_id="Asia/Dubai") as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}")
        assert await page.get_attribute("html", "dir") == "rtl"
        assert await page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
        main = await box(page, page.locator("main"))
        # "What to expect", in Arabic: the words themselves (a range), not the heading's full-width box.
        heading = page.get_by_role("heading", name="ما الذي ينتظرك")
        words = await heading.evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el); const b = r.getBoundingClientRect();"
            " return {x: b.x, width: b.width}; }"
        )
        # A start-aligned heading sits against the right edge of the page's column, not the left.
        assert abs((main["x"] + main["width"]) - (words["x"] + words["width"])) < 40
        assert words["x"] - main["x"] > 100
        consent = await box(page, page.locator("#consent"))
        assert consent["x"] > main["x"] + main["width"] / 2, "the box to tick comes first, on the right"
        folder = screenshot_dir(tmp_path)
        await page.screenshot(path=str(folder / "candidate-invitation-ar.png"), full_page=True)

        await page.check("#consent")
        await page.click("button[type=submit]")
        await page.wait_for_url("**/check")
        await page.wait_for_selector("#continue[aria-disabled=false]", timeout=30_000)
        preview = page.locator("#preview")
        assert await preview.evaluate("el => getComputedStyle(el).transform") == "none"
        retry_or_go = await box(page, page.locator("#continue"))
        assert retry_or_go["x"] + retry_or_go["width"] > main["x"] + main["width"] - 60, (
            "actions start on the right"
        )
        await page.screenshot(path=str(folder / "candidate-check-ar.png"), full_page=True)


async def test_a_deadline_is_rewritten_only_for_a_reader_in_another_time_zone(live) -> None:
    open_interview(
        live, interview_yaml("de", "Europe/Berlin", "Lagerleitung", "Willkommen.", "Stellen Sie sich vor")
    )
    token, _ = invite(live, consent=False, deadline=DEADLINE)
    async with chromium(timezone_id="Europe/Berlin") as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}")
        assert await page.text_content("time") == "Freitag, 11. Dezember 2037, 17:00 MEZ"
    async with chromium(timezone_id="America/New_York") as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}")
        shown = await page.text_content("time")
        assert shown is not None and "11:00" in shown and "(Ihre Ortszeit)" in shown and "Freitag" in shown
        assert await page.get_attribute("time", "title") == "Freitag, 11. Dezember 2037, 17:00 MEZ"


async def test_the_german_invitation_for_the_readme(live, tmp_path: Path) -> None:
    """Saved into docs/screenshots when SCREENSHOT_DIR=docs/screenshots."""
    open_interview(
        live,
        interview_yaml(
            "de",
            "Europe/Berlin",
            "Sachbearbeitung Vertrieb (m/w/d)",
            "Schön, dass Sie sich für uns interessieren! Das Interview dauert etwa eine Viertelstunde.",
            "Erzählen Sie uns von einem Kunden, den Sie überzeugt haben.",
        ),
    )
    token, _ = invite(live, consent=False, deadline=DEADLINE)
    async with chromium(viewport={"width": 900, "height": 1400}, timezone_id="Europe/Berlin") as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}")
        assert "Müller & Söhne GmbH lädt Sie zu einem zeitversetzten Video-Interview ein." in (
            await page.text_content("main") or ""
        )
        await page.screenshot(
            path=str(screenshot_dir(tmp_path) / "candidate-invitation-de.png"), full_page=True
        )
