"""A written answer is kept on the candidate's device as it is typed: a reload brings it back, saying so, and it is
forgotten once submitted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import expect

from boxinterview import clock
from boxinterview.domain import answers, journey
from tests.browser.test_candidate_browser import live  # noqa: F401 (fixture)
from tests.support.browser import chromium
from tests.support.candidate_steps import invite, open_interview, saved

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INTERVIEW = """\
title: Written answers
role: Support agent
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: "What matters in support?", kind: text, answer_seconds: 600, max_chars: 500, competencies: [Clarity]}
  - {prompt: "And in a team?", kind: text, answer_seconds: 600, max_chars: 500, competencies: [Clarity]}
"""
DRAFTS = "() => Object.keys(localStorage).filter((k) => k.includes('draft'))"


async def test_a_written_answer_survives_a_reload_and_is_forgotten_once_submitted(live) -> None:  # noqa: F811
    open_interview(live, INTERVIEW)
    token, _ = invite(live)
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/interview")
        answer = page.get_by_label("Your answer")
        await answer.fill("Listening first, then")
        await answer.press_sequentially(" solving the problem for good.")
        await page.reload()
        await expect(answer).to_have_value("Listening first, then solving the problem for good.")
        await expect(page.get_by_text("We restored the draft you were writing")).to_be_visible()
        await expect(page.get_by_text("51 of 500 characters")).to_be_visible()
        await page.get_by_role("button", name="Submit this answer").click()
        await saved(page, 1, 2)
        assert await page.evaluate(DRAFTS) == []

        await expect(page.get_by_role("heading", name="And in a team?")).to_be_visible(timeout=10_000)
        await expect(answer).to_have_value("")  # the next question starts empty
        await expect(page.get_by_text("We restored the draft")).to_be_hidden()
        await answer.fill("Saying what I will do, then doing it.")
        await page.reload()
        await expect(answer).to_have_value("Saying what I will do, then doing it.")
    p = journey.progress(live.db, token)
    assert p.questions[0].text_value == "Listening first, then solving the problem for good."


async def test_a_written_answer_s_time_goes_on_across_a_reload(live) -> None:  # noqa: F811
    """The time began when the question was first shown (here nine minutes ago, on another device): neither this
    device nor a reload begins it again."""
    interview = open_interview(live, INTERVIEW)
    token, inv_id = invite(live)
    first = interview.questions[0].id
    answers.open_question(live.db, inv_id, first, now=clock.now() - timedelta(minutes=9))
    left = re.compile(r"^(1:00|0:[0-5]\d)$")  # of the question's ten minutes
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/interview")
        await expect(page.get_by_label("Your answer")).to_be_visible()
        await expect(page.locator("#timer")).to_have_text(left)
        await page.reload()
        await expect(page.locator("#timer")).to_have_text(left)


SHORT = """\
title: Short answers
role: Support agent
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: "Your mood in emoji?", kind: text, answer_seconds: 600, max_chars: 50, competencies: [Clarity]}
"""


async def test_characters_are_counted_as_the_server_counts_them(live) -> None:  # noqa: F811
    open_interview(live, SHORT)
    token, _ = invite(live)
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/interview")
        answer = page.get_by_label("Your answer")
        await answer.fill("😀" * 30)  # two UTF-16 units each: the browser alone would stop at 25
        await expect(page.get_by_text("30 of 50 characters")).to_be_visible()
        await answer.fill("😀" * 30 + "é" * 30)  # over the limit: kept to 50 characters
        await expect(page.get_by_text("50 of 50 characters")).to_be_visible()
        await page.get_by_role("button", name="Submit this answer").click()
        await saved(page, 1, 1)
    assert journey.progress(live.db, token).questions[0].text_value == "😀" * 30 + "é" * 20
