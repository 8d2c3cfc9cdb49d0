"""Watching a take again after a reload: at once from the copy this device kept, or from the server once the take
has arrived there, saying meanwhile that it is still arriving; the kept copy goes once the answer is submitted."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import requests
from playwright.async_api import Page, Route, expect

from tests.browser.test_candidate_browser import live  # noqa: F401 (fixture)
from tests.support import clips
from tests.support.browser import chromium
from tests.support.candidate_steps import RECORDING, invite, open_interview, practise, saved
from tests.support.flows import record_take

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INTERVIEW = """\
title: Watching takes
role: Support agent
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: Introduce yourself, kind: video, think_seconds: 5, answer_seconds: 30, takes: 2, competencies: [Clarity]}
  - {prompt: "What matters in support?", kind: text, answer_seconds: 300, max_chars: 500, competencies: [Clarity]}
"""
KEPT_CHUNKS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("boxinterview");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const count = open.result.transaction("chunks").objectStore("chunks").count();
    count.onsuccess = () => { open.result.close(); resolve(count.result); };
  };
})"""


async def playable(page: Page) -> None:
    """The take's player is on screen and has loaded the take (its metadata at least)."""
    player = page.get_by_label("Your take")
    await expect(player).to_be_visible(timeout=RECORDING)
    await page.wait_for_function(
        "v => v.readyState >= 1", arg=await player.element_handle(), timeout=RECORDING
    )


def server_has_take(base: str, token: str, question_id: int) -> bool:
    url = f"{base}/api/v1/candidate/{token}/takes/{question_id}/1"
    return requests.get(url, headers={"Range": "bytes=0-0"}, timeout=5).status_code in (200, 206)


async def test_after_a_reload_mid_recording_the_take_plays_at_once_from_this_device(live) -> None:  # noqa: F811
    open_interview(live, INTERVIEW)
    token, _ = invite(live)
    question = live.interview.questions[0].id
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/interview")
        await practise(page)
        await page.get_by_role("button", name="Start recording now").click(timeout=RECORDING)
        await expect(page.get_by_role("button", name="Stop recording")).to_be_visible()
        # Some seconds of the take kept on this device (on a busy machine the recorder may deliver them late).
        deadline = time.monotonic() + 30
        while await page.evaluate(KEPT_CHUNKS) < 3:
            assert time.monotonic() < deadline, "the recording kept nothing on this device"
            await asyncio.sleep(0.2)

        # After the reload the rest of the take is slow to leave: the server does not have all of it yet.
        arrived = asyncio.Event()

        async def slow(route: Route) -> None:
            if route.request.method == "PATCH":
                await arrived.wait()
            await route.continue_()

        await page.route("**/api/v1/uploads/**", slow)
        await page.reload()
        await expect(page.get_by_text("Watch your take")).to_be_visible(timeout=RECORDING)
        await playable(page)
        assert not server_has_take(live.base, token, question)

        arrived.set()
        deadline = time.monotonic() + 30
        while not server_has_take(live.base, token, question):
            assert time.monotonic() < deadline, "the take never reached the server"
            await asyncio.sleep(0.2)
        assert await page.evaluate(KEPT_CHUNKS) > 0  # kept until the answer is submitted
        await page.get_by_role("button", name="Submit this answer").click()
        await saved(page, 1, 2)
        assert await page.evaluate(KEPT_CHUNKS) == 0  # and then let go, so only the question in hand is kept


async def test_a_take_not_yet_on_the_server_says_so_and_plays_once_it_arrives(live, tmp_path: Path) -> None:  # noqa: F811
    open_interview(live, INTERVIEW)
    token, _ = invite(live)
    question = live.interview.questions[0].id
    clip = clips.make("vp8_opus.webm", tmp_path / "clips", 2.0)
    record_take(live.db, live.settings, token, question, 1, clip.read_bytes())
    async with chromium() as context:  # another browser: it has no copy of the take
        page = await context.new_page()
        misses = 0

        async def not_yet(route: Route) -> None:
            nonlocal misses
            if misses < 2:
                misses += 1
                await route.fulfill(status=404, json={"error": {"status": 404, "message": "not yet"}})
            else:
                await route.continue_()

        await page.route(f"**/api/v1/candidate/{token}/takes/{question}/1", not_yet)
        await page.goto(f"{live.base}/i/{token}/interview")
        await expect(page.get_by_text("Your take is still arriving")).to_be_visible(timeout=RECORDING)
        await playable(page)
        await expect(page.get_by_text("Your take is still arriving")).to_be_hidden()
        assert misses == 2
        await page.get_by_role("button", name="Submit this answer").click()
        await saved(page, 1, 2)
