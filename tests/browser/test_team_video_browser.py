"""The team's videos in Chromium with a fake camera: a reviewer records a welcome video with the candidates'
recorder and adds captions; a candidate watches it, captions showing, before the consent form; a question asked
on video holds think time back until the candidate starts it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from boxinterview.domain import accounts, interview_media
from boxinterview.domain.models import Role
from boxinterview.pipeline import interview_media as team_media
from tests.support.browser import chromium, screenshot_dir, serious_accessibility_problems, sign_in
from tests.support.candidate_steps import RECORDING, invite, practise
from tests.support.clips import make
from tests.support.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VTT = "WEBVTT\n\n00:00.000 --> 00:01.000\nWelcome to the team.\n\n00:01.000 --> 00:02.500\nWe look forward to it.\n"

WAIT_FOR_CUES = """
v => new Promise((resolve) => {
  const t = v.querySelector('track');
  const done = () => resolve({
    mode: t.track.mode, language: t.srclang, cues: Array.from(t.track.cues || []).map(c => c.text),
  });
  if (t.readyState === 2) done(); else t.addEventListener('load', done);
})
"""
PLAYS = """
v => new Promise((resolve, reject) => {
  v.muted = true;
  v.play().catch(reject);
  const check = () => v.currentTime > 0.5 ? resolve(v.duration) : setTimeout(check, 100);
  check();
})
"""


async def test_a_recorded_welcome_with_captions_plays_for_the_candidate(tmp_path: Path) -> None:
    with live_server(tmp_path, media={"worker_in_server": True}) as live:
        _, password = accounts.create(live.db, "lee@example.com", Role.REVIEWER, "t")
        accounts.assign(live.db, "lee@example.com", live.interview.id, "t")
        async with chromium() as context:
            page = await context.new_page()
            await sign_in(page, live.base, "lee@example.com", password)
            await page.goto(f"{live.base}/review/interviews/{live.interview.id}")
            await page.get_by_role("link", name="Welcome and question videos").click()

            welcome = page.locator("#welcome")
            await welcome.get_by_role("button", name="Turn on the camera").click()
            await welcome.get_by_role("button", name="Start recording").click(timeout=RECORDING)
            await expect(welcome.get_by_role("button", name="Stop recording")).to_be_visible()
            await page.wait_for_timeout(2500)
            await welcome.get_by_role("button", name="Stop recording").click()
            await expect(welcome.get_by_label("What you recorded")).to_be_visible(timeout=RECORDING)
            await welcome.get_by_role("button", name="Use this recording").click()
            await page.wait_for_url("**done=added**")
            # the page looks again by itself until the video is ready
            await expect(
                page.locator("#welcome").get_by_text("Ready: candidates see this video")
            ).to_be_visible(timeout=60_000)
            await (
                page.locator("#welcome")
                .get_by_label("Captions (WebVTT)")
                .fill(VTT.replace("00:01.000 -->", "00:0x -->"))
            )
            await page.locator("#welcome").get_by_role("button", name="Save captions").click()
            await expect(page.get_by_text("line 6: the cue timings")).to_be_visible()
            await page.go_back()
            await page.locator("#welcome").get_by_label("Captions (WebVTT)").fill(VTT)
            await page.locator("#welcome").get_by_role("button", name="Save captions").click()
            await expect(page.get_by_text("The captions are saved.")).to_be_visible()
            assert await serious_accessibility_problems(page) == []
            await page.screenshot(path=screenshot_dir(tmp_path) / "team-videos.png", full_page=True)

            token, _ = invite(live, consent=False)
            candidate = await context.browser.new_context()
            try:
                watch = await candidate.new_page()
                await watch.goto(f"{live.base}/i/{token}")
                video = watch.locator("#welcome-video")
                assert await video.evaluate(
                    "(v, form) => v.compareDocumentPosition(form) & 4",
                    await watch.locator("form").element_handle(),
                )
                track = await video.evaluate(WAIT_FOR_CUES)
                assert track == {
                    "mode": "showing",
                    "language": "en",
                    "cues": ["Welcome to the team.", "We look forward to it."],
                }
                duration = await video.evaluate(PLAYS)
                assert 1.5 < duration < 4.5
                assert await serious_accessibility_problems(watch) == []
                await watch.screenshot(
                    path=screenshot_dir(tmp_path) / "invitation-welcome.png", full_page=True
                )
            finally:
                await candidate.close()


async def test_a_question_on_video_holds_think_time_until_the_candidate_starts_it(tmp_path: Path) -> None:
    with live_server(tmp_path) as live:
        owner, _ = accounts.create(live.db, "ada@example.com", Role.ADMIN, "t")
        question = live.interview.questions[0]
        staged = interview_media.staging_path(live.settings.data_dir, live.interview.id, question.id)
        staged.write_bytes(make("vp8_opus.webm", tmp_path, seconds=8.0).read_bytes())
        media_id = interview_media.put(
            live.db, owner, live.interview.id, question.id, staged, "q.webm", ".webm"
        )
        assert await team_media.process(live.db, live.settings, media_id) == "ready"
        token, _ = invite(live)
        async with chromium() as context:
            page = await context.new_page()
            await page.goto(f"{live.base}/i/{token}/interview")
            await practise(page)
            player = page.get_by_label("The question, asked on video by the hiring team")
            await expect(player).to_be_visible(timeout=RECORDING)
            await expect(page.get_by_text("Your think time starts when the video ends")).to_be_visible()
            await page.wait_for_timeout(1500)
            await expect(page.get_by_text("Think time: recording starts in")).to_be_hidden()
            await page.get_by_role("button", name="Start my think time").click()
            await expect(page.get_by_text("Think time: recording starts in")).to_be_visible()
            await page.get_by_role("button", name="Start recording now").click()
            await expect(page.get_by_role("button", name="Stop recording")).to_be_visible()
            await expect(player).to_be_hidden()  # its sound is not recorded into the answer
