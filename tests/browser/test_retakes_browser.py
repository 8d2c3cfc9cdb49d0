"""Recording again: the page says the earlier take is discarded, a retake starts within a few seconds (or at once
with "Start recording now"), and a saved answer is followed by a short breather before the next question."""

from __future__ import annotations

import time

import pytest
from playwright.async_api import expect

from boxinterview.domain import journey
from tests.browser.test_candidate_browser import live  # noqa: F401 (fixture)
from tests.support.browser import chromium
from tests.support.candidate_steps import RECORDING, invite, open_interview, practise, record, saved

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INTERVIEW = """\
title: Retakes
role: Support agent
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: Introduce yourself, kind: video, think_seconds: 30, answer_seconds: 30, takes: 3, competencies: [Clarity]}
  - prompt: Can you work weekends?
    kind: choice
    answer_seconds: 60
    competencies: [Clarity]
    choices: [{label: "Yes"}, {label: "No"}]
  - prompt: Can you start in January?
    kind: choice
    answer_seconds: 60
    competencies: [Clarity]
    choices: [{label: "Yes"}, {label: "No"}]
"""


async def test_a_retake_says_the_earlier_take_is_discarded_and_starts_within_seconds(live) -> None:  # noqa: F811
    open_interview(live, INTERVIEW)
    token, _ = invite(live)
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/interview")
        await practise(page)
        await expect(page.get_by_text("Think time: recording starts in")).to_be_visible(timeout=RECORDING)
        await expect(page.get_by_role("timer").filter(has_text="Think time")).to_contain_text("0:")
        await record(page, 1.5)
        await expect(page.get_by_text("a new take discards this one")).to_be_visible()

        # A retake thinks for a few seconds only, then records by itself.
        await page.get_by_role("button", name="Record again (2 takes left)").click()
        await expect(page.get_by_text("Take 2 of 3: your earlier take is discarded")).to_be_visible()
        await expect(page.get_by_text("Watch your take")).to_be_hidden()
        asked = time.monotonic()
        await expect(page.get_by_role("button", name="Stop recording")).to_be_visible(timeout=20_000)
        assert time.monotonic() - asked < 20  # the question's own think time is 30 s
        await page.wait_for_timeout(1500)
        await page.get_by_role("button", name="Stop recording").click()

        # "Start recording now" does not wait for the countdown.
        await page.get_by_role("button", name="Record again (1 take left)").click()
        await expect(page.get_by_text("Take 3 of 3: your earlier take is discarded")).to_be_visible()
        await page.get_by_role("button", name="Start recording now").click()
        await expect(page.get_by_role("button", name="Stop recording")).to_be_visible(
            timeout=2500
        )  # under 3 s
        await page.wait_for_timeout(1500)
        await page.get_by_role("button", name="Stop recording").click()
        await page.get_by_role("button", name="Submit this answer").click()

        # A breather after a saved answer, which the candidate may cut short...
        await expect(
            page.get_by_text("Answer 1 of 3 saved ✓ — next question in a few seconds")
        ).to_be_visible(timeout=60_000)
        await page.get_by_role("button", name="Next question now").click()
        await expect(page.get_by_role("heading", name="Can you work weekends?")).to_be_visible(
            timeout=2500
        )  # under 3 s
        await page.get_by_role("radio", name="Yes").check()
        await page.get_by_role("button", name="Submit this answer").click()

        # ...or that ends by itself within a few seconds.
        await saved(page, 2, 3)
        await expect(page.get_by_role("button", name="Next question now")).to_be_visible()
        await expect(page.get_by_role("heading", name="Can you start in January?")).to_be_visible(
            timeout=5000
        )
        await expect(page.get_by_role("button", name="Next question now")).to_be_hidden()
    p = journey.progress(live.db, token)
    assert [t.number for t in p.questions[0].takes if t.submitted] == [3]
