"""In Chromium, a reviewer watches an answer recorded as Firefox records it (VP8, streamed: no length or index in
the file) while its MP4 is still being made: the preview plays with its real length and seeks at once, on the
review page and through a share link."""

from __future__ import annotations

from pathlib import Path

import pytest

from boxinterview.domain import accounts, answers, invitations, recordings, shares
from boxinterview.domain.models import Role
from boxinterview.pipeline import processing
from tests.support import device_clips
from tests.support.browser import chromium, sign_in
from tests.support.flows import record_take
from tests.support.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECONDS = 8.0
# A player's length once it has read the file's header.
LENGTH = (
    "v => new Promise((ok, no) => { if (v.readyState >= 1) ok(v.duration); "
    "v.addEventListener('loadedmetadata', () => ok(v.duration)); v.addEventListener('error', () => no(v.error.message)); })"
)


async def test_the_preview_plays_and_seeks_in_chromium(tmp_path: Path) -> None:
    with live_server(tmp_path) as live:
        video, audio, text = live.interview.questions
        inv, token = invitations.invite(live.db, live.interview.id, "Zoë Ångström", "zoe@example.com", "t")
        invitations.record_consent(live.db, inv.id, "1")
        clip = device_clips.make("webm_at_3s.webm", tmp_path / "clips", SECONDS)
        rid = record_take(live.db, live.settings, token, video.id, 1, clip.read_bytes())
        answers.submit_take(live.db, inv.id, video.id, 1)
        record_take(live.db, live.settings, token, audio.id, 1, b"not processed")
        answers.submit_take(live.db, inv.id, audio.id, 1)
        answers.submit_text(live.db, inv.id, text.id, "Listening first.")
        answers.complete(live.db, inv.id)
        assert await processing.preview(live.db, live.settings, rid) is not None
        _, password = accounts.create(live.db, "rev@example.com", Role.REVIEWER, "t", name="Rev")
        accounts.assign(live.db, "rev@example.com", live.interview.id, "t")

        async with chromium() as context:
            page = await context.new_page()
            asked: list[str] = []
            page.on("request", lambda r: asked.append(r.url.removeprefix(live.base)))
            await sign_in(page, live.base, "rev@example.com", password)
            await page.goto(f"{live.base}/review/{inv.id}")
            player = page.locator("video[data-preview]")
            # its real length, not the "Infinity" of a streamed recording
            assert await player.evaluate(LENGTH) == pytest.approx(SECONDS, abs=0.3)
            assert await page.locator(".preview-note").is_visible()
            assert not await page.locator(".preview-unplayable").is_visible()
            at = await player.evaluate(
                "v => new Promise(ok => { v.addEventListener('seeked', () => ok(v.currentTime), {once: true}); "
                "v.currentTime = 6; })"
            )
            assert at == pytest.approx(6.0, abs=0.2)
            played = await player.evaluate(
                "v => { v.muted = true; return v.play().then(() => new Promise(ok => setTimeout(() => "
                "ok(v.currentTime), 700))); }"
            )
            assert played > 6.2
            assert any(u.startswith("/v/") and u.endswith("/playback.webm") for u in asked), asked
            # the sound-only answer was not processed: it says so, and nothing else is offered
            assert await page.get_by_text("The recording is uploaded").count() == 1

            # a hiring manager's share link plays it too, with the same note
            owner = next(a for a in accounts.listing(live.db) if a.email == "rev@example.com")
            _, share = shares.create(live.db, owner, [inv.id], [video.id, audio.id], 3)
            manager = await context.new_page()
            await manager.goto(f"{live.base}/s/{share}")
            shared = manager.locator("video[data-preview]")
            assert await shared.evaluate(LENGTH) == pytest.approx(SECONDS, abs=0.3)
            assert await manager.locator(".preview-note").is_visible()
            assert await manager.get_by_text("This answer is still being prepared").count() == 1  # the sound
            await manager.close()

            # once its MP4 is ready, the page plays that
            assert (await processing.process(live.db, live.settings, rid)).value == "ready"
            assert recordings.get(live.db, rid).preview_path is None
            # A player still on the preview meets an error at its next byte range once the server's next check
            # ends the preview's address. This short preview is all in Chromium's memory by now, so it asks for
            # nothing more: the error is raised here. The player goes on with the MP4 where it was, playing.
            await player.evaluate("v => v.pause()")
            now, paused = await player.evaluate(
                "v => new Promise(ok => { v.currentTime = 3; v.play().then(() => setTimeout(() => { "
                "v.addEventListener('loadedmetadata', () => setTimeout(() => ok([v.currentTime, v.paused]), 800), "
                "{once: true}); v.dispatchEvent(new Event('error')); }, 300)); })"
            )
            assert not paused and 3.2 < now < 5.0
            assert any(u.startswith("/v/") and u.endswith("/playback.mp4") for u in asked), asked
            await page.reload()
            mp4 = page.locator(f"video[src='/media/recordings/{rid}/playback']:not([data-preview])")
            await mp4.evaluate(
                "v => new Promise(ok => v.readyState >= 1 ? ok() : v.addEventListener('loadedmetadata', ok))"
            )
            assert any(u.startswith("/v/") and u.endswith("/playback.mp4") for u in asked), asked
