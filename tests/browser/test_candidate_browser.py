"""The candidate's journey in a real browser: consent to thank-you, on a phone and a desktop, through a cut
connection, a reload and a 350 kbit/s link, with every answer ending up playable."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from playwright.async_api import Page, Route

from boxinterview.domain import invitations, journey, recordings
from boxinterview.domain.models import InvitationStatus
from tests.support.browser import PHONE, chromium, serious_accessibility_problems, shows
from tests.support.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

JOURNEY_INTERVIEW = """\
title: Browser test
role: Support agent
support_contact: help@example.com
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: Introduce yourself, kind: video, think_seconds: 2, answer_seconds: 8, takes: 2, competencies: [Clarity]}
  - {prompt: Describe a hard call, kind: audio, think_seconds: 1, answer_seconds: 6, takes: 1, competencies: [Clarity]}
  - {prompt: "What matters in support?", kind: text, answer_seconds: 300, max_chars: 500, competencies: [Clarity]}
  - prompt: Can you work weekends?
    kind: choice
    answer_seconds: 60
    choices: [{label: "Yes"}, {label: "No", knockout: true}]
  - {prompt: Your CV, kind: file, answer_seconds: 600}
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def live(tmp_path: Path):
    from boxinterview.domain import interview_io, interviews
    from boxinterview.domain.models import InterviewStatus

    with live_server(
        tmp_path, media={"worker_in_server": True}, uploads={"max_document_bytes": 100_000}
    ) as server:
        iv = interviews.create(server.db, interview_io.from_yaml(JOURNEY_INTERVIEW), "test")
        interviews.set_status(server.db, iv, InterviewStatus.OPEN, "test")
        server.interview = interviews.get(server.db, iv)
        yield server


def new_link(live) -> tuple[str, int]:
    live.count += 1
    inv, token = invitations.invite(
        live.db, live.interview.id, "Ann Example", f"ann{live.count}@example.com", "test"
    )
    return token, inv.id


async def receipt(page: Page, n: int, wait: bool = False) -> None:
    """The answer is saved; then the next question, after a short breather or, unless `wait`, at once as the
    candidate asks for it. (A dispatched click: the breather may have ended already, hiding the button.)"""
    await shows(page, "#receipt", f"Answer {n} of 5 saved", timeout=60_000)
    if n < 5:
        if not wait:
            await page.dispatch_event("#next", "click")
        await shows(page, "#step", f"Question {n + 1} of 5", timeout=30_000)


async def consent_and_check(page: Page, live, token: str, query: str = "") -> list[str]:
    problems = []
    await page.goto(f"{live.base}/i/{token}")
    problems += await serious_accessibility_problems(page)
    await page.check("#consent")
    await page.fill("#accommodation", "I use a screen reader and may need extra time.")
    await page.click("button[type=submit]")
    await page.wait_for_url("**/check")
    await page.wait_for_selector("#continue[aria-disabled=false]", timeout=30_000)
    problems += await serious_accessibility_problems(page)
    await page.goto(f"{live.base}/i/{token}/interview{query}")
    return problems


async def record(page: Page, seconds: float, submit: bool = True) -> None:
    await page.wait_for_selector("#start:not([hidden])", timeout=30_000)
    await page.click("#start")
    await page.wait_for_selector("#stop:not([hidden])")
    await page.wait_for_timeout(seconds * 1000)
    await page.click("#stop")
    await page.wait_for_selector("#submit:not([hidden])", timeout=30_000)
    if submit:
        await page.click("#submit")


async def practice(page: Page) -> None:
    await page.wait_for_selector("#start:not([hidden])", timeout=30_000)
    assert "Practice question" in await page.text_content("#step")
    await page.click("#start")
    await page.wait_for_timeout(1200)
    await page.click("#stop")
    await page.click("#begin")


async def answer_everything(page: Page, tmp_path: Path, seconds: float = 2) -> None:
    """Both recorded questions with one take each, then the text, choice and file questions, then finish."""
    for n in (1, 2):
        await record(page, seconds)
        await receipt(page, n)
    await answer_the_rest(page, tmp_path)


def submitted_recordings_ready(live, inv_id: int) -> dict[int, object]:
    """Wait until the submitted takes are processed; assert all are playable; return them by question id."""
    chosen = wait_playable(live, inv_id)
    assert {r.state for r in chosen} == {"ready"}, [(r.question_id, r.state) for r in chosen]
    return {r.question_id: r for r in chosen}


async def answer_the_rest(page: Page, tmp_path: Path) -> None:
    await page.fill("#text", "Listening first, then solving the problem for good.")
    await page.click("#submit")
    await receipt(page, 3)
    await page.check("#choice-2")
    await page.click("#submit")
    await receipt(page, 4)
    await page.click("#submit")
    await shows(page, "#error", "Choose your document first")
    wrong = tmp_path / "photo.pdf"
    wrong.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    await page.set_input_files("#file", str(wrong))
    arrived = asyncio.Event()

    async def hold(route: Route) -> None:
        await arrived.wait()
        await route.continue_()

    await page.route("**/answers/*/file", hold)
    await page.click("#submit")
    # While the document is on its way its button cannot be pressed again, and the old error is gone.
    await page.wait_for_selector("#submit[disabled]")
    assert await page.text_content("#error") == ""
    arrived.set()
    await shows(page, "#error", "not a PDF")
    await page.unroute("**/answers/*/file")
    assert await page.is_enabled("#submit")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(PDF)
    await page.set_input_files("#file", str(cv))
    await page.click("#submit")
    await page.wait_for_selector("#finish:not([hidden])", timeout=120_000)
    await page.click("#finish")
    await page.wait_for_url("**/done", timeout=30_000)


def wait_playable(live, invitation_id: int, timeout: float = 90) -> list:
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in recordings.listing(live.db) if r.invitation_id == invitation_id]
        submitted = {
            s.question.id: s for s in journey.progress(live.db, _token_of(live, invitation_id)).questions
        }
        chosen = [
            r
            for r in found
            if any(t.submitted and t.number == r.take for t in submitted[r.question_id].takes)
        ]
        if chosen and all(r.state in ("ready", "rejected", "failed") for r in chosen):
            return chosen
        assert time.monotonic() < deadline, [(r.id, r.state) for r in found]
        time.sleep(0.2)


_tokens: dict[int, str] = {}


def _token_of(live, invitation_id: int) -> str:
    return _tokens[invitation_id]


async def test_whole_journey_on_a_phone_ends_with_playable_answers(live, tmp_path: Path) -> None:
    token, inv_id = new_link(live)
    _tokens[inv_id] = token
    async with chromium(PHONE) as context:
        page = await context.new_page()
        problems = await consent_and_check(page, live, token)
        await practice(page)
        problems += await serious_accessibility_problems(page)
        await record(page, 2.5, submit=False)
        await page.click("#retake")  # a second take, then that one is submitted
        await record(page, 2.5)
        await receipt(page, 1, wait=True)
        await record(page, 2)
        await receipt(page, 2, wait=True)
        await answer_the_rest(page, tmp_path)
        problems += await serious_accessibility_problems(page)
        await page.check("#rating-4")
        await page.fill("#comment", "Clear instructions.")
        await page.click("#feedback button[type=submit]")
        await shows(page, "#feedback-status", "Thank you")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    assert problems == []
    inv = invitations.get(live.db, inv_id)
    assert inv.status is InvitationStatus.COMPLETED and inv.consent_version == "1"
    assert "screen reader" in inv.accommodation_request
    chosen = wait_playable(live, inv_id)
    assert {r.state for r in chosen} == {"ready"}
    video = next(r for r in chosen if r.question_id == live.interview.questions[0].id)
    assert video.take == 2 and video.playback_path.endswith(".mp4") and video.duration_ms > 1500
    audio = next(r for r in chosen if r.question_id == live.interview.questions[1].id)
    assert audio.playback_path.endswith(".m4a")
    p = journey.progress(live.db, token)
    assert p.questions[2].text_value.startswith("Listening first")
    assert p.questions[3].choice_position == 2
    assert p.questions[4].file_name == "cv.pdf"
    assert p.feedback == (4, "Clear instructions.")


async def test_vp8_recording_path_on_desktop(live, tmp_path: Path) -> None:
    token, inv_id = new_link(live)
    _tokens[inv_id] = token
    async with chromium() as context:
        page = await context.new_page()
        await consent_and_check(page, live, token, "?codec=vp8")
        await practice(page)
        await answer_everything(page, tmp_path)
    chosen = list(submitted_recordings_ready(live, inv_id).values())
    video = next(r for r in chosen if r.question_id == live.interview.questions[0].id)
    assert video.mime_type.startswith("video/webm;codecs=vp8")


async def test_a_connection_cut_mid_recording_loses_nothing(live, tmp_path: Path) -> None:
    token, inv_id = new_link(live)
    _tokens[inv_id] = token
    async with chromium() as context:
        page = await context.new_page()
        await consent_and_check(page, live, token)
        await practice(page)
        await page.wait_for_selector("#start:not([hidden])", timeout=30_000)
        await page.click("#start")
        await page.wait_for_timeout(1500)
        await context.set_offline(True)  # the connection drops while the candidate is recording
        await page.wait_for_selector("#network:not([hidden])", timeout=20_000)
        await page.wait_for_timeout(2500)
        await page.click("#stop")
        await page.click("#submit")
        await page.wait_for_timeout(1500)
        assert "saved" not in (
            await page.text_content("#receipt") or ""
        )  # never "done" before the server has it
        await context.set_offline(False)
        await receipt(page, 1)
        await record(page, 2)
        await receipt(page, 2)
        await answer_the_rest(page, tmp_path)
    chosen = wait_playable(live, inv_id)
    assert {r.state for r in chosen} == {"ready"}
    video = next(r for r in chosen if r.question_id == live.interview.questions[0].id)
    assert video.duration_ms >= 3500  # the whole take, recorded across the cut


async def test_a_reload_mid_interview_resumes_where_the_candidate_was(live, tmp_path: Path) -> None:
    token, inv_id = new_link(live)
    _tokens[inv_id] = token
    async with chromium() as context:
        page = await context.new_page()
        await consent_and_check(page, live, token)
        await practice(page)
        await record(page, 2)
        await receipt(page, 1)
        await page.wait_for_selector("#start:not([hidden])", timeout=30_000)
        await page.click("#start")
        await page.wait_for_timeout(2500)
        await page.reload()  # mid-recording: the chunks so far are kept and the take is closed with them
        await page.wait_for_selector("#submit:not([hidden])", timeout=30_000)
        assert await page.text_content("#step") == "Question 2 of 5"
        await page.click("#submit")
        await receipt(page, 2)
        await answer_the_rest(page, tmp_path)
    chosen = wait_playable(live, inv_id)
    assert {r.state for r in chosen} == {"ready"}
    audio = next(r for r in chosen if r.question_id == live.interview.questions[1].id)
    assert audio.duration_ms >= 1000


async def test_a_350_kbits_link_still_completes_with_every_answer_intact(live, tmp_path: Path) -> None:
    token, inv_id = new_link(live)
    _tokens[inv_id] = token
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
        await consent_and_check(page, live, token)
        kbps = int(await page.evaluate("localStorage.getItem('boxinterview:kbps')"))
        assert kbps < 500
        await practice(page)
        await record(page, 4)
        await receipt(page, 1)
        await record(page, 3)
        await receipt(page, 2)
        await answer_the_rest(page, tmp_path)
    chosen = wait_playable(live, inv_id)
    assert {r.state for r in chosen} == {"ready"}
    video = next(r for r in chosen if r.question_id == live.interview.questions[0].id)
    assert video.duration_ms >= 3500


async def test_a_second_tab_is_told_and_changes_nothing(live) -> None:
    token, inv_id = new_link(live)
    invitations.record_consent(live.db, inv_id, "1")
    async with chromium() as context:
        first = await context.new_page()
        await first.goto(f"{live.base}/i/{token}/interview")
        await first.wait_for_selector("#start:not([hidden])", timeout=30_000)
        second = await context.new_page()
        errors: list[str] = []
        second.on("pageerror", lambda e: errors.append(str(e)))
        await second.goto(f"{live.base}/i/{token}/interview")
        await second.wait_for_selector("#blocked", timeout=10_000)
        assert "already open in another tab" in await second.text_content("#blocked")
        assert await first.is_visible("#start")
        # The first tab is closed: the second carries on, on the candidate's word, with nothing broken meanwhile
        await first.close()
        await second.get_by_role("button", name="Continue in this tab").click()
        await second.wait_for_selector("#start:not([hidden])", timeout=30_000)
        assert not await second.is_visible("#blocked") and errors == []


async def test_links_that_do_not_work_say_so_plainly(live) -> None:
    async with chromium(PHONE) as context:
        page = await context.new_page()
        response = await page.goto(f"{live.base}/i/{'x' * 43}")
        assert response.status == 404
        text = await page.text_content("main")
        assert "link is not valid" in text and "Support agent" not in text and "@" not in text
        past = time.time() - 3 * 86400
        from datetime import UTC, datetime, timedelta

        then = datetime.fromtimestamp(past, UTC)
        inv, token = invitations.invite(
            live.db,
            live.interview.id,
            "Late",
            "late@example.com",
            "t",
            deadline=then + timedelta(days=1),
            now=then,
        )
        response = await page.goto(f"{live.base}/i/{token}")
        assert response.status == 410
        text = await page.text_content("main")
        assert "deadline for this interview has passed" in text and "help@example.com" in text
        assert await serious_accessibility_problems(page) == []


async def test_the_demo_link_can_be_completed(tmp_path: Path) -> None:
    """What the README promises a new user: `boxinterview demo` prints a link that works to the end."""
    import json
    import subprocess
    import sys

    with live_server(tmp_path, media={"worker_in_server": True}) as live:
        out = subprocess.run(
            [sys.executable, "-m", "boxinterview", "--config", str(live.config), "demo", "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        demo = json.loads(out.stdout)
        token = demo["token"]
        async with chromium() as context:
            page = await context.new_page()
            await page.goto(demo["candidate_url"])
            await page.check("#consent")
            await page.click("button[type=submit]")
            await page.wait_for_selector("#continue[aria-disabled=false]", timeout=30_000)
            await page.click("#continue")
            await practice(page)
            for n in (1, 2):
                await record(page, 2)
                await receipt(page, n)
            await page.fill("#text", "Helping people and fixing the cause.")
            await page.click("#submit")
            await receipt(page, 3)
            await page.check("#choice-1")
            await page.click("#submit")
            await receipt(page, 4)
            await page.check("#choice-1")
            await page.click("#submit")
            await page.wait_for_selector("#finish:not([hidden])", timeout=60_000)
            await page.click("#finish")
            await page.wait_for_url("**/done")
        inv = invitations.by_token(live.db, token)
        assert inv.status is InvitationStatus.COMPLETED
        deadline = time.monotonic() + 60
        while {r.state for r in recordings.listing(live.db) if r.invitation_id == inv.id} != {"ready"}:
            assert time.monotonic() < deadline
            time.sleep(0.2)


NO_CAMERA = """
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (c) => c && c.video
  ? Promise.reject(new DOMException("Requested device not found", "NotFoundError"))
  : realGetUserMedia(c);
"""


async def test_without_a_camera_a_candidate_answers_with_sound_where_allowed(live, tmp_path: Path) -> None:
    from boxinterview.domain import interview_io, interviews
    from boxinterview.domain.models import InterviewStatus

    iv = interviews.create(
        live.db, interview_io.from_yaml(JOURNEY_INTERVIEW + "allow_audio_only: true\n"), "t"
    )
    interviews.set_status(live.db, iv, InterviewStatus.OPEN, "t")
    live.interview = interviews.get(live.db, iv)
    token, inv_id = new_link(live)
    _tokens[inv_id] = token
    async with chromium() as context:
        await context.add_init_script(NO_CAMERA)
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}")
        assert "answer every question with sound only" in await page.text_content("main")
        await page.check("#consent")
        await page.click("button[type=submit]")
        await page.wait_for_selector("#continue[aria-disabled=false]", timeout=30_000)
        assert "sound only" in await page.text_content("#r-camera")
        await page.click("#continue")
        await practice(page)
        await answer_everything(page, tmp_path)
    chosen = list(submitted_recordings_ready(live, inv_id).values())
    video_question = next(r for r in chosen if r.question_id == live.interview.questions[0].id)
    assert video_question.playback_path.endswith(".m4a")
