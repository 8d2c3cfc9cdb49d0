"""A full review in Chromium over recordings made by the pipeline: sign in as the demo reviewer, watch, score,
decide with feedback, share a link. Also makes the README's screenshots when SCREENSHOT_DIR is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from boxinterview import processing
from boxinterview.domain import answers, invitations, recordings
from boxinterview.store import outbox as outbox_sql
from tests.browser import chromium, serious_accessibility_problems
from tests.clips import make
from tests.flows import record_take
from tests.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def demo_candidate_completes(live, demo: dict, clips: Path, name_seed: int) -> int:
    """The demo candidate answers every question (real clips through the upload service and the pipeline)."""
    inv = invitations.by_token(live.db, demo["token"])
    for i, q in enumerate(demo["questions"]):
        if q["kind"] == "video":
            clip = make("vp8_opus.webm", clips, seconds=3 + i + name_seed)
            rid = record_take(live.db, live.settings, demo["token"], q["id"], 1, clip.read_bytes())
            assert (await processing.process(live.db, live.settings, rid)).value == "ready"
            answers.submit_take(live.db, inv.id, q["id"], 1)
        elif q["kind"] == "text":
            answers.submit_text(live.db, inv.id, q["id"], "Listening first, then fixing the cause for good.")
        elif q["kind"] == "choice":
            answers.submit_choice(live.db, inv.id, q["id"], 1 + (name_seed % 2))
    answers.complete(live.db, inv.id)
    return inv.id


async def score_everything(page, value: int) -> None:
    """Score every competency of every answer on the review page and submit each answer's review."""
    forms = page.locator("form:has(fieldset.rubric)")
    for i in range(await forms.count()):
        form = forms.nth(i)
        fieldsets = form.locator("fieldset")
        for j in range(await fieldsets.count()):
            await fieldsets.nth(j).locator(f"input[value='{value}']").check()
        async with page.expect_navigation():
            await form.locator("button[value=submit]").click()


async def test_the_demo_reviewer_watches_scores_decides_and_shares(tmp_path: Path) -> None:
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with live_server(tmp_path) as live:
        demos = []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-m", "boxinterview", "--config", str(live.config), "demo", "--json"],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            demos.append(json.loads(out.stdout))
        invitation_ids = [
            await demo_candidate_completes(live, d, tmp_path / "clips", i) for i, d in enumerate(demos)
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
            await score_everything(page, 4)
            await page.screenshot(path=str(shots / "review.png"), full_page=False)
            await page.check("#outcome-advance")
            await page.fill("#feedback", "Your example of the broken order was excellent.")
            await page.click("button[value=preview]")
            assert "Your example of the broken order was excellent." in await page.text_content("main")
            await page.click("button[value=confirm]")
            await page.wait_for_selector("text=Decided: advance")
            await page.click("button:has-text('Make a share link')")
            share_url = await page.input_value("#share-url")
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
            await manager.close()
        assert problems == []
        [message] = [
            m
            for m in live.db.read(outbox_sql.for_invitation, invitation_ids[0])
            if m["kind"].startswith("outcome")
        ]
        assert message["kind"] == "outcome.advance" and "broken order was excellent" in message["body"]
        assert {r.state for r in recordings.listing(live.db)} == {"ready"}
