"""A reviewer's Chromium plays a recording that lives in an S3-compatible bucket (a real SeaweedFS): the page
loads it through the server's redirect to a presigned link, the Content-Security-Policy lets the player and the
poster load from the bucket, and seeking is answered by the store in byte ranges."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from boxinterview.domain import accounts
from boxinterview.domain.models import Role
from boxinterview.pipeline.worker import Worker
from tests.support.browser import chromium, sign_in
from tests.support.live import live_server
from tests.support.objectstore import finished_candidate, moved, object_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_a_reviewer_plays_and_seeks_a_recording_from_the_bucket(tmp_path: Path) -> None:
    with (
        object_store(tmp_path / "objectstore") as store,
        live_server(tmp_path, storage=store.settings()) as live,
    ):
        invitation_id, rid = finished_candidate(live, tmp_path / "clips")
        stop = asyncio.Event()
        worker = asyncio.create_task(Worker(live.db, live.settings).run(stop))
        for _ in range(600):
            if moved(live.db, rid):
                break
            await asyncio.sleep(0.1)
        stop.set()
        await worker
        assert moved(live.db, rid)
        account, password = accounts.create(live.db, "rev@example.com", Role.ADMIN, "t")

        async with chromium() as context:
            page = await context.new_page()
            refused: list[str] = []
            from_bucket: list[int] = []
            page.on(
                "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
            )
            page.on(
                "response",
                lambda r: from_bucket.append(r.status) if r.url.startswith(store.endpoint) else None,
            )
            await sign_in(page, live.base, account.email, password)
            await page.goto(f"{live.base}/review/{invitation_id}")
            video = page.locator("video").first
            await video.evaluate(
                "v => new Promise(r => v.readyState >= 1 ? r() : v.addEventListener('loadedmetadata', r))"
            )
            assert await video.evaluate("v => v.duration") > 2
            await video.evaluate(
                "v => new Promise(r => { v.addEventListener('seeked', r); v.currentTime = 2; })"
            )
            assert await video.evaluate("v => v.readyState") >= 2 and not await video.evaluate("v => v.error")
            assert refused == []
            assert 206 in from_bucket  # the store answered the player's ranges
