"""A take still on its way from another device (a phone that recorded it, say) is not offered for submission on
this one: the page says so and offers to record again, and offers Submit once the take has arrived. A take whose
upload the server stops taking (the candidate was withdrawn) is not mistaken for a dropped connection."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect
from tusclient import client as tus

from boxinterview.domain import invitations, journey
from boxinterview.domain.models import InvitationStatus
from tests.browser.test_rejected_take_browser import INTERVIEW, quiet, take_state  # noqa: F401 (fixture)
from tests.support.browser import chromium
from tests.support.candidate_steps import RECORDING, invite, open_interview, practise, saved
from tests.support.clips import make

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_a_take_arriving_from_another_device_is_offered_once_it_has_arrived(quiet, tmp_path) -> None:  # noqa: F811
    open_interview(quiet, INTERVIEW)
    token, _ = invite(quiet)
    clip = make("vp8_opus.webm", tmp_path)
    # The phone has sent a third of take 1 when the candidate opens the interview on their laptop
    size = clip.stat().st_size
    phone = tus.TusClient(quiet.uploads_url).uploader(
        str(clip), chunk_size=size // 3 + 1, metadata={**quiet.metadata(token), "filetype": "video/webm"}
    )
    await asyncio.to_thread(phone.upload_chunk)
    assert take_state(quiet, token)[0] == "uploading"

    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{quiet.base}/i/{token}/interview")
        await expect(page.get_by_text("Take 1 is still on its way to us.")).to_be_visible(timeout=30_000)
        await expect(page.get_by_text("You can submit it here as soon as it has arrived.")).to_be_visible()
        await expect(page.get_by_role("button", name="Record again (2 takes left)")).to_be_visible()
        await expect(page.get_by_role("button", name="Submit this answer")).to_be_hidden()

        # The phone finishes sending it: the laptop offers it, and submitting it there works
        await asyncio.to_thread(phone.upload)
        await expect(page.get_by_role("button", name="Submit this answer")).to_be_visible(timeout=30_000)
        await expect(page.get_by_text("Take 1 is still on its way to us.")).to_be_hidden()
        await page.get_by_role("button", name="Submit this answer").click()
        await saved(page, 1, 2)
    assert [t.number for t in journey.progress(quiet.db, token).questions[0].takes if t.submitted] == [1]


async def test_recording_again_instead_of_waiting_for_the_other_device(quiet, tmp_path) -> None:  # noqa: F811
    open_interview(quiet, INTERVIEW)
    token, _ = invite(quiet)
    clip = make("vp8_opus.webm", tmp_path)
    phone = tus.TusClient(quiet.uploads_url).uploader(
        str(clip),
        chunk_size=clip.stat().st_size // 3 + 1,
        metadata={**quiet.metadata(token), "filetype": "video/webm"},
    )
    await asyncio.to_thread(phone.upload_chunk)

    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{quiet.base}/i/{token}/interview")
        await page.get_by_role("button", name="Record again (2 takes left)").click(timeout=30_000)
        await page.get_by_role("button", name="Start recording now").click(timeout=30_000)
        await expect(page.get_by_role("button", name="Stop recording")).to_be_visible()
        await page.wait_for_timeout(2000)
        await page.get_by_role("button", name="Stop recording").click()
        await page.get_by_role("button", name="Submit this answer").click(timeout=30_000)
        await saved(page, 1, 2)
    assert [t.number for t in journey.progress(quiet.db, token).questions[0].takes if t.submitted] == [2]


async def test_a_candidate_withdrawn_while_a_take_uploads_is_told_so_not_that_the_connection_dropped(
    quiet,  # noqa: F811
) -> None:
    open_interview(quiet, INTERVIEW)
    token, inv_id = invite(quiet)
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{quiet.base}/i/{token}/interview")
        await practise(page)
        # The take's bytes cannot get through for now (a weak link), so its upload is still open
        await page.route(
            "**/api/v1/uploads/*",
            lambda route: route.abort() if route.request.method == "PATCH" else route.continue_(),
        )
        await page.get_by_role("button", name="Start recording now").click(timeout=RECORDING)
        await expect(page.get_by_role("button", name="Stop recording")).to_be_visible()
        await page.wait_for_timeout(2000)
        await page.get_by_role("button", name="Stop recording").click()
        await expect(page.get_by_text("Your connection dropped.")).to_be_visible(timeout=30_000)

        invitations.move(
            quiet.db, inv_id, InvitationStatus.WITHDRAWN, "t"
        )  # the team withdraws the candidate
        await page.unroute("**/api/v1/uploads/*")
        # The page learns it from the server and shows the page that says so, not a network problem
        await expect(page.get_by_text("no longer active")).to_be_visible(timeout=60_000)
        await expect(page.get_by_text("Your connection dropped.")).to_be_hidden()
        await expect(page.get_by_role("button", name="Record again (2 takes left)")).to_be_hidden()
