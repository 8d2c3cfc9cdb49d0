"""A take the server could not use is never offered for submission: the page says why and offers to record again,
whether it learns of it at once (after a reload) or later (a page left open while the take is processed)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from boxinterview.domain import journey, recordings
from boxinterview.pipeline import processing
from tests.browser.test_candidate_browser import live  # noqa: F401 (fixture)
from tests.support.browser import chromium
from tests.support.candidate_steps import RECORDING, invite, open_interview, practise, record, saved
from tests.support.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INTERVIEW = """\
title: Rejected takes
role: Support agent
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: Introduce yourself, kind: video, think_seconds: 5, answer_seconds: 30, takes: 3, competencies: [Clarity]}
  - {prompt: "What matters in support?", kind: text, answer_seconds: 300, max_chars: 500, competencies: [Clarity]}
"""
# A device whose recorder has delivered only the start of the file when the page is reloaded (the tester's held
# about 600 bytes): the take's first chunk is cut to that, and nothing more is delivered.
SCANT_RECORDER = """() => {
  const own = Object.getOwnPropertyDescriptor(MediaRecorder.prototype, "ondataavailable");
  Object.defineProperty(MediaRecorder.prototype, "ondataavailable", {
    configurable: true,
    get() { return own.get.call(this); },
    set(handler) {
      let delivered = false;
      own.set.call(this, (e) => {
        if (delivered || !e.data || !e.data.size) return;
        delivered = true;
        handler({ data: e.data.slice(0, 600, e.data.type) });
      });
    },
  });
}"""


@pytest.fixture
def quiet(tmp_path: Path):
    """A live server whose recordings wait to be processed until the test says how."""
    with live_server(tmp_path) as server:
        yield server


def take_state(server, token: str, number: int = 1) -> tuple[str, int]:
    q = journey.progress(server.db, token).questions[0]
    take = next((t for t in q.takes if t.number == number), None)
    return (take.state if take else "none", q.takes_left)


async def take_on_the_server(page: Page, server, token: str) -> None:
    """Practise, record a 2 s take, and wait until all of it is on the server, not yet processed."""
    await practise(page)
    await record(page, 2)
    deadline = time.monotonic() + 30
    while take_state(server, token)[0] != "uploaded":
        assert time.monotonic() < deadline, "the take never reached the server"
        time.sleep(0.2)


def processing_rejects(server, inv_id: int, why: str) -> None:
    """Processing finds the candidate's take unusable, for `why`."""
    recording = next(r for r in recordings.listing(server.db) if r.invitation_id == inv_id)
    processing.reject(server.db, recording.id, why)


async def cannot_be_submitted(page: Page, takes_left: int) -> None:
    """The page says the take could not be used and why, and offers only to record again."""
    await expect(page.get_by_text("This take could not be used.")).to_be_visible(timeout=60_000)
    await expect(page.get_by_role("button", name=f"Record again ({takes_left} takes left)")).to_be_visible()
    await expect(page.get_by_role("button", name="Submit this answer")).to_be_hidden()
    await expect(page.get_by_text("Your take is still arriving")).to_be_hidden()
    await expect(page.get_by_label("Your take")).to_be_hidden()


async def test_a_take_rejected_after_a_reload_is_shown_as_rejected_and_not_offered(live) -> None:  # noqa: F811
    open_interview(live, INTERVIEW)
    token, _ = invite(live)
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/interview")
        await practise(page)
        await page.evaluate(SCANT_RECORDER)
        await page.get_by_role("button", name="Start recording now").click(timeout=RECORDING)
        await expect(page.get_by_role("button", name="Stop recording")).to_be_visible()
        await page.wait_for_timeout(2000)
        await page.reload()

        # The server rejects the take soon after the reload: the page learns of it, and it does not count.
        await cannot_be_submitted(page, 3)
        state, left = take_state(live, token)
        assert (state, left) == ("rejected", 3)
        reason = journey.progress(live.db, token).questions[0].takes[0].reason
        assert reason
        error = await page.locator("#error").text_content() or ""
        assert reason[1:].rstrip(".") in error
        assert "It does not count as one of your takes." in error

        # A fresh load says the same at once.
        await page.reload()
        await cannot_be_submitted(page, 3)

        # Recording again gives a take that can be submitted.
        await page.get_by_role("button", name="Record again (3 takes left)").click()
        await record(page, 2)
        await page.get_by_role("button", name="Submit this answer").click()
        await saved(page, 1, 2)
    assert [t.number for t in journey.progress(live.db, token).questions[0].takes if t.submitted] == [2]


async def test_a_page_left_open_learns_that_its_take_was_rejected(quiet) -> None:
    open_interview(quiet, INTERVIEW)
    token, inv_id = invite(quiet)
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{quiet.base}/i/{token}/interview")
        await take_on_the_server(page, quiet, token)
        await expect(page.get_by_role("button", name="Submit this answer")).to_be_visible()

        processing_rejects(
            quiet, inv_id, "the recording is damaged and cannot be played: record this answer again"
        )
        await cannot_be_submitted(page, 3)
        await expect(page.get_by_text("The recording is damaged and cannot be played")).to_be_visible()


async def test_a_take_rejected_unnoticed_is_not_offered_again_once_submit_is_refused(quiet) -> None:
    open_interview(quiet, INTERVIEW)
    token, inv_id = invite(quiet)
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{quiet.base}/i/{token}/interview")
        await take_on_the_server(page, quiet, token)

        # The page cannot ask about its take for a while, and the take is rejected meanwhile.
        state_url = f"**/api/v1/candidate/{token}/state"
        await page.route(state_url, lambda route: route.abort())
        processing_rejects(
            quiet, inv_id, "nothing was recorded (the recording is empty): record this answer again"
        )
        await page.wait_for_timeout(2000)
        await expect(page.get_by_role("button", name="Submit this answer")).to_be_visible()
        await page.unroute(state_url)
        await page.get_by_role("button", name="Submit this answer").click()
        await cannot_be_submitted(page, 3)
        await expect(page.get_by_text("Nothing was recorded (the recording is empty)")).to_be_visible()


async def test_a_submitted_take_rejected_while_on_the_next_question_is_told_at_once(quiet) -> None:
    open_interview(quiet, INTERVIEW)
    token, inv_id = invite(quiet)
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{quiet.base}/i/{token}/interview")
        await take_on_the_server(page, quiet, token)
        await page.get_by_role("button", name="Submit this answer").click()
        await saved(page, 1, 2)
        await expect(page.locator("#text")).to_be_visible(timeout=10_000)  # on question 2
        notice = page.locator("#later")
        await expect(notice).to_be_hidden()

        processing_rejects(
            quiet,
            inv_id,
            "no sound was recorded: allow the microphone in your browser and check it is not muted, then record "
            "this answer again",
        )
        await expect(notice).to_contain_text(
            "Your answer to question 1 could not be used. No sound was recorded", timeout=30_000
        )
        await expect(notice).to_contain_text("You will be asked to record it again before you finish.")
        await page.fill("#text", "Listening first.")  # what was being written goes on undisturbed
        await page.get_by_role("button", name="Submit this answer").click()
        await expect(page.get_by_text("Question 1 of 2")).to_be_visible(timeout=10_000)  # then back to it
        await expect(page.get_by_text("Your answer could not be used.")).to_be_visible()
        await expect(notice).to_be_hidden()
