"""What a candidate reads is in plain words: no formats or bit rates in the device check, one estimate of the time
on every page and in the e-mail, deadlines with their time zone named, and a REC light while recording."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from boxinterview import clock
from boxinterview.mail.letters import Letterhead
from boxinterview.store import outbox
from tests.browser.test_candidate_browser import live  # noqa: F401 (fixture)
from tests.support.browser import chromium, serious_accessibility_problems
from tests.support.candidate_steps import RECORDING, invite

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_the_device_check_says_what_works_without_formats_or_bit_rates(live) -> None:  # noqa: F811
    token, _ = invite(live)
    async with chromium() as context:
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")
        await cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 150,
                "downloadThroughput": 1_000_000 / 8,
                "uploadThroughput": 350_000 / 8,
            },
        )
        await page.goto(f"{live.base}/i/{token}/check")
        await expect(page.get_by_text("Browser: can record ✓")).to_be_visible(timeout=RECORDING)
        await expect(
            page.get_by_text("Connection: slow — we record at lower quality so your answers still arrive")
        ).to_be_visible(timeout=RECORDING)
        text = await page.get_by_role("main").inner_text()
        for jargon in ("codecs", "video/", "audio/", "kbit", "webm", "mp4"):
            assert jargon not in text.lower(), jargon


async def test_a_link_too_slow_for_a_recording_is_told_how_long_it_will_take(live) -> None:  # noqa: F811
    token, _ = invite(live)
    async with chromium() as context:
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")
        await cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 300,
                "downloadThroughput": 200_000 / 8,
                "uploadThroughput": 50_000 / 8,
            },
        )
        await page.goto(f"{live.base}/i/{token}/check")
        said = page.get_by_text(
            re.compile(r"Connection: very slow — each minute you record takes about \d+ minutes to send\.")
        )
        await expect(said).to_be_visible(timeout=RECORDING)
        minutes = int(re.search(r"about (\d+) minutes", await said.inner_text()).group(1))
        assert 2 <= minutes <= 8  # a minute needs at least 160 kbit/s; the link carries about 50
        await expect(page.get_by_text("keep this page open until every answer is saved")).to_be_visible()


def _named(when: datetime, zone: str) -> str:
    """How a browser in `zone` writes the deadline of an English interview given in UTC: in the page's language,
    in the reader's time, with the zone's long name, saying it is their time."""
    local = when.astimezone(ZoneInfo(zone))
    name = "Central European Summer Time" if local.dst() else "Central European Standard Time"
    return f"{local:%A}, {local:%B} {local.day}, {local.year}, {local:%I:%M %p} {name} (your time)"


async def _deadline_shown(page: Page) -> str:
    return " ".join((await page.locator("time").inner_text()).split())


async def test_the_invitation_the_email_and_the_interview_agree_on_time_and_name_the_zone(live) -> None:  # noqa: F811
    deadline = (
        (clock.now() + timedelta(days=10)).astimezone(UTC).replace(hour=16, minute=0, second=0, microsecond=0)
    )
    token, inv_id = invite(
        live,
        consent=False,
        deadline=deadline,
        time_multiplier=1.5,
        letterhead=Letterhead.from_settings(live.settings),
    )
    minutes = live.interview.estimated_minutes(1.5)
    letter = live.db.read(lambda con: outbox.for_invitation(con, inv_id))[0]
    assert f"about {minutes} minutes in all" in letter["body"]
    assert f"about {minutes} minutes in all" in letter["html"]
    berlin = _named(deadline, "Europe/Berlin")
    async with chromium(locale="en-GB", timezone_id="Europe/Berlin") as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}")
        await expect(page.get_by_text(f"About {minutes} minutes in all")).to_be_visible()
        assert await _deadline_shown(page) == berlin
        await page.get_by_label("I have read the privacy notice").check()
        await page.get_by_role("button", name="Agree and continue").click()
        await page.wait_for_url("**/check")
        await page.goto(f"{live.base}/i/{token}/interview")
        await expect(page.get_by_text(f"About {minutes} minutes in all")).to_be_visible()
        assert await _deadline_shown(page) == berlin
        assert minutes != live.interview.estimated_minutes()  # the extra time is counted everywhere


async def test_a_red_rec_light_shows_the_time_recorded(live) -> None:  # noqa: F811
    token, _ = invite(live)
    async with chromium() as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/interview")
        light = page.get_by_role("timer", name="Recording")
        await page.get_by_role("button", name="Start recording now").click(timeout=RECORDING)
        await expect(light).to_be_visible()
        await expect(light).to_contain_text("REC 0:00")
        await expect(light).to_contain_text("REC 0:02", timeout=5000)
        dot = await light.locator(".dot").evaluate("d => getComputedStyle(d).backgroundColor")
        red, green, blue = (int(v) for v in dot[dot.index("(") + 1 : -1].split(",")[:3])
        assert red > 180 and green < 80 and blue < 80, dot
        assert await serious_accessibility_problems(page) == []
        await page.get_by_role("button", name="Stop recording").click()
        await expect(light).to_be_hidden()
        await page.get_by_role("button", name="Start the interview").click()
        await expect(page.get_by_text("Question 1 of 5")).to_be_visible()
        await expect(light).to_be_hidden()  # thinking is not recording


BLOCKED = """
navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
"""


async def test_a_blocked_camera_is_told_with_what_to_do_on_both_pages(live) -> None:  # noqa: F811
    token, _ = invite(live)
    async with chromium() as context:
        await context.add_init_script(BLOCKED)
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/check")
        await expect(page.get_by_text("Camera: blocked")).to_be_visible(timeout=RECORDING)
        # Nothing still says it is checking, in green, while nothing can be checked
        await expect(page.get_by_text("Browser: checking that it can record")).to_be_hidden()
        await expect(
            page.get_by_text("Browser: recording can be checked once the camera and microphone are allowed")
        ).to_be_visible()
        await page.goto(f"{live.base}/i/{token}/interview")
        error = page.locator("#error")
        await expect(error).to_contain_text(
            "This page may not use your camera and microphone.", timeout=RECORDING
        )
        await expect(error).to_contain_text("allow the camera and microphone, then reload this page")
        await expect(error).not_to_contain_text("Something went wrong")
