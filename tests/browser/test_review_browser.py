"""A full review in Chromium over recordings made by the pipeline: sign in as the demo reviewer, watch, score,
decide with feedback, share a link. Also makes the README's screenshots when SCREENSHOT_DIR is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from boxinterview.domain import answers, invitations, recordings
from boxinterview.pipeline import processing
from boxinterview.store import outbox as outbox_sql
from tests.support.browser import chromium, serious_accessibility_problems, sign_in
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def demo_candidate_completes(
    live, demo: dict, clips: Path, name_seed: int, watched: bool = True
) -> int:
    """The demo candidate answers every question (real clips through the upload service and, when the test
    watches them, the pipeline; else they stay uploaded, as while their MP4 is made)."""
    inv = invitations.by_token(live.db, demo["token"])
    for i, q in enumerate(demo["questions"]):
        if q["kind"] == "video":
            clip = make("vp8_opus.webm", clips, seconds=3 + i + name_seed)
            rid = record_take(live.db, live.settings, demo["token"], q["id"], 1, clip.read_bytes())
            if watched:
                assert (await processing.process(live.db, live.settings, rid)).value == "ready"
            answers.submit_take(live.db, inv.id, q["id"], 1)
        elif q["kind"] == "text":
            answers.submit_text(live.db, inv.id, q["id"], "Listening first, then fixing the cause for good.")
        elif q["kind"] == "choice":
            answers.submit_choice(live.db, inv.id, q["id"], 1 + (name_seed % 2))
    answers.complete(live.db, inv.id)
    return inv.id


async def score_everything(page, value: int) -> None:
    """Score every competency of every answer on the review page, then submit the review once."""
    fieldsets = page.locator(".scores fieldset.rubric")
    for j in range(await fieldsets.count()):
        await fieldsets.nth(j).locator(f"input[value='{value}']").check()
    progress = await page.text_content("#scoring-progress")
    assert "You have scored" in progress and "Submit your review when you are ready" in progress
    await page.get_by_role("button", name="Submit my review").click()
    await page.wait_for_url("**scored=submitted#scoring")
    await page.get_by_text("Your review is submitted ✓").wait_for()


async def test_a_comment_keeps_the_place_in_the_video_and_the_scores_not_yet_saved(tmp_path: Path) -> None:
    with live_server(tmp_path) as live:
        out = subprocess.run(
            [sys.executable, "-m", "boxinterview", "--config", str(live.config), "demo", "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        demo = json.loads(out.stdout)
        invitation_id = await demo_candidate_completes(live, demo, tmp_path / "clips", 3)
        async with chromium() as context:
            page = await context.new_page()
            asked: list[str] = []
            page.on("request", lambda r: asked.append(r.url.removeprefix(live.base)))
            await sign_in(page, live.base, demo["reviewer_email"], demo["reviewer_password"])
            await page.goto(f"{live.base}/review/{invitation_id}")
            video = page.locator("video").first
            await video.evaluate(
                "v => new Promise(r => v.readyState >= 1 ? r() : v.addEventListener('loadedmetadata', r))"
            )
            # the player was sent on to the viewing's own address and plays from there
            assert any(u.startswith("/media/recordings/") and u.endswith("/playback") for u in asked), asked
            assert any(u.startswith("/v/") and u.endswith("/playback.mp4") for u in asked), asked
            await page.locator(".scores fieldset.rubric").first.locator("input[value='2']").check()
            await page.locator(".scores textarea").first.fill("Clear structure; check the numbers.")
            await video.evaluate("v => { v.currentTime = 2.5; }")
            await page.get_by_label("Comment at the current moment").first.fill("Good example — 李雷 agrees")
            await page.get_by_role("button", name="Add comment").first.click()
            await page.get_by_text("Good example — 李雷 agrees").wait_for()
            # the page stayed: the time in the video, the score and the notes typed are still there
            assert await video.evaluate("v => Math.round(v.currentTime * 10) / 10") == 2.5
            assert (
                await page.locator(".scores fieldset.rubric").first.locator("input[value='2']").is_checked()
            )
            assert (
                await page.locator(".scores textarea").first.input_value()
                == "Clear structure; check the numbers."
            )
            assert "0:02" in await page.locator("ul.comments").first.text_content()
            # space on the focused player toggles playback once, not twice
            await video.evaluate("v => { v.muted = true; v.focus(); }")
            await page.keyboard.press(" ")
            await page.wait_for_timeout(300)
            assert await video.evaluate("v => !v.paused")
            # a submit with answers left to score says so on the form, and keeps what was typed
            await page.get_by_role("button", name="Submit my review").click()
            await page.get_by_text("Not saved: score every competency before submitting").wait_for()
            assert (
                await page.locator(".scores textarea").first.input_value()
                == "Clear structure; check the numbers."
            )


async def test_the_demo_reviewer_watches_scores_decides_and_shares(tmp_path: Path) -> None:
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with live_server(tmp_path) as live:
        demos = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, "-m", "boxinterview", "--config", str(live.config), "demo", "--json"],
                capture_output=True,
                text=True,
                check=True,
            )
            demos.append(json.loads(out.stdout))
        # the first is watched; the others are only scored
        invitation_ids = [
            await demo_candidate_completes(live, d, tmp_path / "clips", i, watched=i == 0)
            for i, d in enumerate(demos)
        ]
        login = demos[-1]  # each demo run sets a new reviewer password; the last one holds
        async with chromium() as context:
            page = await context.new_page()
            await page.goto(f"{live.base}/review")
            await page.fill("#email", login["reviewer_email"])
            await page.fill("#password", login["reviewer_password"])
            await page.click("button[type=submit]")
            await page.wait_for_url("**/review")
            problems = await serious_accessibility_problems(page)
            await page.click(f"a[href='/review/{invitation_ids[0]}']")
            await page.wait_for_selector("video")
            ready = await page.evaluate(
                "new Promise(r => { const v = document.querySelector('video'); "
                "if (v.readyState >= 1) r(v.readyState); else v.addEventListener('loadedmetadata', () => r(v.readyState)); })"
            )
            assert ready >= 1  # the browser could load the playback file
            problems += await serious_accessibility_problems(page)
            await page.screenshot(path=str(shots / "review.png"), full_page=False)
            await score_everything(page, 4)
            await page.check("#outcome-advance")
            await page.fill("#feedback", "Your example of the broken order was excellent.")
            await page.click("button[value=preview]")
            assert "Your example of the broken order was excellent." in await page.text_content("main")
            await page.click("button[value=confirm]")
            await page.wait_for_selector("text=Decided: advance")
            # changing the decision asks first; "Change it" keeps what was chosen and typed
            await page.get_by_label("Hold").check()
            await page.get_by_label("Personal feedback for the candidate").fill(
                "Wir melden uns — 李雷 hat Fragen."
            )
            await page.get_by_role("button", name="Preview the message").click()
            await page.get_by_text("This changes a decision").wait_for()
            await page.get_by_role("button", name="Change it").click()
            assert await page.get_by_label("Hold").is_checked()
            feedback = page.get_by_label("Personal feedback for the candidate")
            assert await feedback.input_value() == "Wir melden uns — 李雷 hat Fragen."
            icon = await page.evaluate("document.querySelector('link[rel=icon]').getAttribute('href')")
            assert (await page.request.get(live.base + icon)).headers["content-type"] == "image/svg+xml"
            await page.goto(f"{live.base}/review/{invitation_ids[0]}")
            await page.click("button:has-text('Make a share link')")
            share_url = await page.input_value("#share-url")
            await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.base)
            await page.get_by_role("button", name="Copy the link").click()
            await page.get_by_text("Copied ✓").wait_for()
            assert await page.evaluate("navigator.clipboard.readText()") == share_url
            for other in invitation_ids[1:]:
                await page.goto(f"{live.base}/review/{other}")
                await score_everything(page, 3)
            interview_id = demos[0]["interview_id"]
            await page.goto(f"{live.base}/review/interviews/{interview_id}/results")
            problems += await serious_accessibility_problems(page)
            await page.screenshot(path=str(shots / "results.png"), full_page=True)
            manager = await context.browser.new_context()
            shared = await manager.new_page()
            await shared.goto(share_url)
            assert "Demo Candidate" in await shared.text_content("main")
            # withdrawing the link asks first
            await page.goto(f"{live.base}/review")
            await page.get_by_text("Withdraw…").first.click()
            await page.get_by_role("button", name="Yes, withdraw the link").first.click()
            await page.get_by_text("withdrawn").first.wait_for()
            assert (await shared.goto(share_url)).status == 410
            await manager.close()
            await page.goto(live.base + "/")
            await page.get_by_role("link", name="Sign in to review candidates").click()
            await page.wait_for_url("**/login")
        assert problems == []
        [message] = [
            m
            for m in live.db.read(outbox_sql.for_invitation, invitation_ids[0])
            if m["kind"].startswith("outcome")
        ]
        assert message["kind"] == "outcome.advance" and "broken order was excellent" in message["body"]
        assert {r.state for r in recordings.listing(live.db) if r.invitation_id == invitation_ids[0]} == {
            "ready"
        }


async def test_the_reviewers_lists_fit_a_phone_screen(tmp_path: Path) -> None:
    from boxinterview.domain import accounts
    from boxinterview.domain.models import Role
    from tests.support.browser import PHONE
    from tests.support.reviewing import completed_candidate

    with live_server(tmp_path) as live:
        for n in range(2):
            completed_candidate(live, f"Maximiliane Alexandra Longname-Example {n}")
        _, password = accounts.create(live.db, "lee@example.com", Role.ADMIN, "t")
        async with chromium(PHONE) as context:
            page = await context.new_page()
            await page.goto(f"{live.base}/login")
            await page.fill("#email", "lee@example.com")
            await page.fill("#password", password)
            await page.click("button[type=submit]")
            await page.wait_for_url("**/review")
            iv = live.interview.id
            for path in ("/review", f"/review/interviews/{iv}", f"/review/interviews/{iv}/results"):
                await page.goto(live.base + path)
                width = await page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], (path, width)  # a wide table scrolls in its box, not the page
