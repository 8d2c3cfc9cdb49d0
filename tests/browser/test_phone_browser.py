"""The candidate's pages on a 375×667 phone with a long question: the question stays in view while recording, the
actions never need scrolling to, the rating fits on one line and every box and radio is big enough to tap.
Also makes the README's phone screenshots when SCREENSHOT_DIR is set."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from boxinterview.domain import journey
from tests.browser.test_candidate_browser import live  # noqa: F401 (fixture)
from tests.support.browser import PHONE, chromium, screenshot_dir, serious_accessibility_problems
from tests.support.candidate_steps import RECORDING, box, invite, open_interview, practise, saved, within

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OFFLINE = "The server could not be reached. Check your connection, then press the button again."

LONG_PROMPT = (
    "Think of a time when a customer came to you angry about something that was not your fault: a delivery that "
    "went wrong, a bill they did not understand, or a promise someone else had made and not kept. Tell us what "
    "had happened, what the customer said to you, and how you felt in that moment. Then walk us through what you "
    "did, step by step: how you listened, what you said back, what you checked and with whom, and how you kept "
    "the customer informed while you worked on it. Finally, tell us how it ended, what the customer said "
    "afterwards, and what you would do differently next time."
)
PHONE_INTERVIEW = f"""\
title: Phone test
role: Support agent
competencies:
  - name: Clarity
    anchors: {{1: Unclear, 3: Clear, 5: Very clear}}
questions:
  - {{prompt: "{LONG_PROMPT}", kind: video, think_seconds: 30, answer_seconds: 60, takes: 2, competencies: [Clarity]}}
  - prompt: Can you start in January?
    kind: choice
    answer_seconds: 60
    competencies: [Clarity]
    choices: [{{label: "Yes"}}, {{label: "No"}}]
"""


async def test_on_a_phone_the_question_and_the_actions_stay_on_screen(live, tmp_path: Path) -> None:  # noqa: F811
    shots = screenshot_dir(tmp_path)
    open_interview(live, PHONE_INTERVIEW)
    token, _ = invite(live, consent=False)
    problems: list[str] = []
    async with chromium(PHONE) as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}")
        consent = page.get_by_label("I have read the privacy notice")
        size = await box(page, consent)
        assert size["width"] >= 24 and size["height"] >= 24, size
        await consent.check()
        await page.get_by_role("button", name="Agree and continue").click()

        await expect(page.get_by_text("Browser: can record ✓")).to_be_visible(timeout=RECORDING)
        await expect(page.get_by_text("Connection: good ✓")).to_be_visible(timeout=RECORDING)
        await expect(page.get_by_role("link", name="Continue to a practice question")).to_have_attribute(
            "aria-disabled", "false"
        )
        await page.screenshot(path=str(shots / "check-phone.png"))
        await page.get_by_role("link", name="Continue to a practice question").click()
        await practise(page)

        # Thinking: the question and "Start recording now" are on screen without scrolling.
        start = page.get_by_role("button", name="Start recording now")
        await expect(page.get_by_text("Question 1 of 2")).to_be_visible(timeout=RECORDING)
        await expect(start).to_be_visible(timeout=RECORDING)
        assert within(await box(page, start), PHONE), await box(page, start)
        prompt = page.get_by_role("heading", name=LONG_PROMPT[:40])
        assert (await box(page, prompt))["y"] < PHONE["height"] / 2
        await start.click()

        # Recording: scrolled to the end of the page, the question is still there, above the bar of actions.
        stop = page.get_by_role("button", name="Stop recording")
        await expect(stop).to_be_visible()
        rec = page.get_by_role("timer", name="Recording")
        await expect(rec).to_contain_text("REC 0:0", timeout=5000)
        await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        await page.wait_for_timeout(300)
        bar = await box(page, page.locator("#dock"))
        assert within(await box(page, stop), PHONE)
        assert within(await box(page, rec), PHONE)
        question = await box(page, prompt)
        assert question["y"] >= 0 and question["height"] >= 60, question
        assert question["y"] + question["height"] <= bar["y"] + 0.5, (question, bar)
        problems += await serious_accessibility_problems(page)
        await page.evaluate("window.scrollTo(0, 0)")
        await page.wait_for_timeout(1500)
        await page.screenshot(path=str(shots / "interview-phone.png"))
        await stop.click()

        # Watching the take: "Submit this answer" and "Record again" are whole and on screen.
        submit = page.get_by_role("button", name="Submit this answer")
        await expect(submit).to_be_visible(timeout=RECORDING)
        for scroll in (0, 10_000):
            await page.evaluate(f"window.scrollTo(0, {scroll})")
            await page.wait_for_timeout(200)
            assert within(await box(page, submit), PHONE), await box(page, submit)
            assert within(await box(page, page.get_by_role("button", name="Record again")), PHONE)
        await submit.click()
        await saved(page, 1, 2)

        yes = page.get_by_role("radio", name="Yes")
        await expect(yes).to_be_visible(timeout=RECORDING)
        size = await box(page, yes)
        assert size["width"] >= 24 and size["height"] >= 24, size
        await yes.check()
        # Sent with no connection, the answer says so in plain words (not the browser's "Failed to fetch").
        await context.set_offline(True)
        await page.get_by_role("button", name="Submit this answer").click()
        await expect(page.locator("#error")).to_have_text(OFFLINE)
        await context.set_offline(False)
        await page.get_by_role("button", name="Submit this answer").click()
        # Finishing with no connection says so too, and Finish can be pressed again once back online.
        finish = page.get_by_role("button", name="Finish the interview")
        await expect(finish).to_be_visible(timeout=60_000)
        await context.set_offline(True)
        await finish.click()
        await expect(page.locator("#error")).to_have_text(OFFLINE)
        await context.set_offline(False)
        await finish.click()
        await page.wait_for_url("**/done")

        # The thank-you page: the five ratings on one line, each big enough to tap.
        ratings = [await box(page, page.get_by_role("radio", name=str(n), exact=True)) for n in range(1, 6)]
        assert all(r["width"] >= 24 and r["height"] >= 24 for r in ratings), ratings
        assert max(r["y"] for r in ratings) - min(r["y"] for r in ratings) < 2, ratings
        assert all(within(r, PHONE) or r["y"] > PHONE["height"] for r in ratings)
        assert all(r["x"] + r["width"] <= PHONE["width"] for r in ratings)
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        problems += await serious_accessibility_problems(page)

        # Feedback sent with no connection (a phone in a tunnel) says it did not go, and can be sent again.
        status = page.locator("#feedback-status")
        await page.get_by_role("radio", name="4", exact=True).check()
        await context.set_offline(True)
        await page.get_by_role("button", name="Send").click()
        await expect(status).to_have_text("Sorry, that did not work; please try again.")
        await context.set_offline(False)
        await page.get_by_role("button", name="Send").click()
        await expect(status).to_have_text("Thank you for your feedback.")
        assert not await page.get_by_role("button", name="Send").is_disabled()
        assert journey.progress(live.db, token).feedback[0] == 4
    assert problems == []
