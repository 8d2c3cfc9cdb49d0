"""A candidate whose microphone records nothing is told at once — in the device check and right after the take —
and reviewers see the answer flagged; a take stopped at once is called too short, also on a slow phone (Chromium, real server)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from boxinterview.domain import recordings
from tests.browser.test_candidate_browser import _tokens, live, new_link  # noqa: F401 (fixture)
from tests.support.browser import chromium, shows

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def muted_microphone(tmp_path: Path) -> tuple[str, ...]:
    """Chromium's fake microphone playing digital silence, as a muted one records."""
    silence = tmp_path / "silence.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=48000:cl=mono:d=30",
            "-c:a",
            "pcm_s16le",
            str(silence),
        ],
        check=True,
    )
    return (f"--use-file-for-fake-audio-capture={silence}",)


async def device_check_says(page, live, token: str, words: str) -> None:  # noqa: F811
    """Consent, then wait for the device check's microphone line to say `words`; then on to the interview."""
    await page.goto(f"{live.base}/i/{token}")
    await page.get_by_label("I have read the privacy notice").check()
    await page.click("button[type=submit]")
    await page.wait_for_url("**/check")
    await shows(page, "#r-mic", words, timeout=20_000)
    await page.goto(f"{live.base}/i/{token}/interview")


async def take(page, seconds: float) -> str:
    await page.wait_for_selector("#start:not([hidden])", timeout=30_000)
    await page.click("#start")
    await page.wait_for_selector("#stop:not([hidden])")
    await page.wait_for_timeout(seconds * 1000)
    await page.click("#stop")
    await page.wait_for_selector("#submit:not([hidden]), #begin:not([hidden])", timeout=30_000)
    return await page.text_content("#error") or ""


async def test_a_muted_microphone_is_told_in_the_check_and_after_each_take(live, muted_microphone) -> None:  # noqa: F811
    token, inv_id = new_link(live)
    _tokens[inv_id] = token
    async with chromium(args=muted_microphone) as context:
        page = await context.new_page()
        await device_check_says(page, live, token, "we could hear nothing")
        assert "We could hear nothing" in await take(page, 1.5)  # the practice question
        await page.click("#begin")
        # A phone with slow storage: each chunk takes 1.5 s to store, and the take's last one is stored after Stop.
        # That wait is not the candidate's: the take is still too short.
        await page.evaluate(
            "() => { const put = Vault.put; Vault.put = async (name, value) => {"
            " if (name === 'chunks') await new Promise((r) => setTimeout(r, 1500)); return put(name, value); }; }"
        )
        assert "too short" in await take(page, 0.3)
        await page.click("#retake")
        assert "We could hear nothing" in await take(page, 2)
        await page.click("#submit")
        await shows(page, "#receipt", "Answer 1 of 5 saved", timeout=60_000)
    deadline = time.monotonic() + 60
    while True:
        found = [r for r in recordings.listing(live.db) if r.invitation_id == inv_id and r.take == 2]
        if found and found[0].state in ("ready", "rejected", "failed"):
            break
        assert time.monotonic() < deadline, found
        time.sleep(0.2)
    recording = recordings.get(live.db, found[0].id)
    assert recording.state.value == "ready" and recording.silent


async def test_a_working_microphone_is_heard(live) -> None:  # noqa: F811
    token, _ = new_link(live)
    async with chromium() as context:
        page = await context.new_page()
        await device_check_says(page, live, token, "we can hear you")
        assert "We could hear nothing" not in await take(page, 1.5)
