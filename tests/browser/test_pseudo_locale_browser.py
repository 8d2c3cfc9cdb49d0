"""No candidate-facing word is written into a page or script: an interview in the pseudo-locale (every translated
string decorated "⟦…⟧") is walked through in Chromium, and at every step every visible text is decorated, except
what the operator wrote and the values listed here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Page

from boxinterview import i18n
from boxinterview.domain import invitations
from boxinterview.domain.models import InvitationStatus
from tests.support.browser import chromium, shows
from tests.support.candidate_steps import RECORDING, invite, open_interview
from tests.support.live import live_server
from tests.support.pseudo import leftover, undecorated

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ZONE = "Europe/Berlin"
DEADLINE = datetime(2037, 12, 11, 16, 0, tzinfo=UTC)
PSEUDO_INTERVIEW = f"""\
title: Pseudo-locale
role: Warehouse lead
language: qps
time_zone: {ZONE}
intro: We run three warehouses near Lyon.
instructions: Speak slowly and look at the camera.
support_contact: jobs@example.com
allow_accommodations: true
allow_audio_only: true
competencies:
  - name: Clarity
    anchors: {{1: Unclear, 3: Clear, 5: Very clear}}
questions:
  - {{prompt: Introduce yourself, kind: video, think_seconds: 3, answer_seconds: 8, takes: 2, competencies: [Clarity]}}
  - {{prompt: Describe a busy day, kind: audio, think_seconds: 1, answer_seconds: 6, takes: 1, competencies: [Clarity]}}
  - {{prompt: "What makes a safe warehouse?", kind: text, answer_seconds: 300, max_chars: 400, competencies: [Clarity]}}
  - prompt: Can you drive a forklift?
    kind: choice
    answer_seconds: 60
    choices: [{{label: Certified}}, {{label: Not yet}}]
  - {{prompt: Your CV, kind: file, answer_seconds: 600}}
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Shown as written (the operator's words and the candidate's own), or values: everything else must be decorated.
OPERATOR = [
    "Warehouse lead",
    "We run three warehouses near Lyon.",
    "Speak slowly and look at the camera.",
    "jobs@example.com",
    "Introduce yourself",
    "Describe a busy day",
    "What makes a safe warehouse?",
    "Can you drive a forklift?",
    "Certified",
    "Not yet",
    "Your CV",
    "Our company",  # the organisation's name (the default settings')
]
VALUES = ["boxinterview"]  # the product's name in the footer, beside its version number


@pytest.fixture
def live(tmp_path: Path):
    with live_server(
        tmp_path, media={"worker_in_server": True}, uploads={"max_document_bytes": 100_000}
    ) as server:
        open_interview(server, PSEUDO_INTERVIEW)
        yield server


def allowed(live) -> list[str]:
    notice = live.settings.organisation.privacy_notice
    when = i18n.language(i18n.PSEUDO).when(DEADLINE, ZONE)
    return [*OPERATOR, *VALUES, notice, when, "A quiet room, please.", "Clear aisles and training."]


async def all_decorated(page: Page, live, step: str) -> None:
    found = await undecorated(page, allowed(live))
    assert found == [], f"{step}: text that is not translatable: {found}"


def test_the_check_itself_finds_plain_words() -> None:
    assert leftover("⟦Ŝéñð⟧", []) == ""
    assert leftover("⟦Ĉöñţàçţ jobs@example.com ţöðàý⟧", []) == ""
    assert leftover("Deadline: ⟦Ŝéñð⟧ and more", []) == "Deadline and more"
    assert leftover("Warehouse lead — 3 ×", ["Warehouse lead"]) == ""


async def test_every_word_a_candidate_reads_is_translatable(live, tmp_path: Path) -> None:
    token, inv_id = invite(live, consent=False, deadline=DEADLINE)
    async with chromium(timezone_id=ZONE) as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}")
        assert await page.get_attribute("html", "lang") == "qps"
        await all_decorated(page, live, "invitation")

        # Sent without ticking the box (the browser would stop that; a candidate with scripts off would not).
        await page.eval_on_selector("#consent", "el => el.removeAttribute('required')")
        await page.click("button[type=submit]")
        await page.wait_for_selector("#consent-error")
        await all_decorated(page, live, "consent refused")

        await page.check("#consent")
        await page.fill("#accommodation", "A quiet room, please.")
        await page.click("button[type=submit]")
        await page.wait_for_url("**/check")
        await page.wait_for_selector("#continue[aria-disabled=false]", timeout=RECORDING)
        await all_decorated(page, live, "device check")

        await page.goto(f"{live.base}/i/{token}/interview")
        await page.wait_for_selector("#start:not([hidden])", timeout=RECORDING)
        await all_decorated(page, live, "practice question, thinking")
        await page.click("#start")
        await page.wait_for_selector("#rec:not([hidden])")
        await all_decorated(page, live, "practice question, recording")
        await page.wait_for_timeout(1200)
        await page.click("#stop")
        await page.wait_for_selector("#begin:not([hidden])", timeout=RECORDING)
        await all_decorated(page, live, "practice question, watching it")

        second = await context.new_page()  # the same interview in a second tab is refused there
        await second.goto(f"{live.base}/i/{token}/interview")
        await second.wait_for_selector("#blocked", timeout=10_000)
        await all_decorated(second, live, "a second tab")
        await second.close()

        await page.click("#begin")
        await page.wait_for_selector("#start:not([hidden])", timeout=RECORDING)
        await all_decorated(page, live, "video question, thinking")
        await page.click("#start")
        await page.wait_for_selector("#stop:not([hidden])")
        await page.wait_for_timeout(1500)
        await all_decorated(page, live, "video question, recording")
        await page.click("#stop")
        await page.wait_for_selector("#submit:not([hidden])", timeout=RECORDING)
        await all_decorated(page, live, "video question, a take to watch, one more left")
        await page.click("#retake")
        await page.wait_for_selector("#stop:not([hidden])", timeout=RECORDING)
        await page.wait_for_timeout(1500)
        await page.click("#stop")
        await page.wait_for_selector("#submit:not([hidden])", timeout=RECORDING)
        await all_decorated(page, live, "video question, the last take")
        await page.click("#submit")
        await page.wait_for_selector("#next:not([hidden])", timeout=60_000)
        await all_decorated(page, live, "between questions")

        await page.click("#next")
        await page.wait_for_selector("#start:not([hidden])", timeout=RECORDING)
        await page.click("#start")
        await page.wait_for_selector("#stop:not([hidden])")
        await page.wait_for_timeout(1500)
        await all_decorated(page, live, "audio question, recording")
        await page.click("#stop")
        await page.wait_for_selector("#submit:not([hidden])", timeout=RECORDING)
        await page.click("#submit")
        await page.wait_for_selector("#next:not([hidden])", timeout=60_000)
        await page.click("#next")

        await page.wait_for_selector("#text-answer:not([hidden])", timeout=RECORDING)
        await page.fill("#text", "Clear aisles and training.")
        await all_decorated(page, live, "written question")
        await page.fill("#text", "")
        await page.click("#submit")
        await page.wait_for_selector("#error:not(:empty)")
        await all_decorated(page, live, "written question, sent empty (the server refuses it)")
        await page.fill("#text", "Clear aisles and training.")
        await page.click("#submit")
        await page.wait_for_selector("#next:not([hidden])", timeout=60_000)
        await page.click("#next")

        await page.wait_for_selector("#choice-answer:not([hidden])", timeout=RECORDING)
        await page.click("#submit")
        await page.wait_for_selector("#error:not(:empty)")
        await all_decorated(page, live, "choice question, nothing chosen")
        await page.check("#choice-1")
        await page.click("#submit")
        await page.wait_for_selector("#next:not([hidden])", timeout=60_000)
        await page.click("#next")

        await page.wait_for_selector("#file-answer:not([hidden])", timeout=RECORDING)
        await page.click("#submit")
        await page.wait_for_selector("#error:not(:empty)")
        await all_decorated(page, live, "file question, nothing chosen")
        wrong = tmp_path / "photo.pdf"
        wrong.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
        await page.set_input_files("#file", str(wrong))
        await page.click("#submit")
        await shows(page, "#error", "⟦")
        await all_decorated(page, live, "file question, not a document (the server refuses it)")
        cv = tmp_path / "cv.pdf"
        cv.write_bytes(PDF)
        await page.set_input_files("#file", str(cv))
        await page.click("#submit")
        await page.wait_for_selector("#finish:not([hidden])", timeout=120_000)
        await all_decorated(page, live, "every question answered")

        await page.click("#finish")
        await page.wait_for_url("**/done", timeout=RECORDING)
        await all_decorated(page, live, "done")
        await page.click("#feedback button[type=submit]")
        await shows(page, "#feedback-status", "⟦")
        await all_decorated(page, live, "feedback without a rating")
        await page.check("#rating-4")
        await page.click("#feedback button[type=submit]")
        await shows(page, "#feedback-status", "⟦")
        await all_decorated(page, live, "feedback sent")

        response = await page.goto(f"{live.base}/i/{token}/no-such-page")
        assert response is not None and response.status == 404
        await all_decorated(page, live, "a page that does not exist")


async def test_closed_interviews_are_translatable_too(live) -> None:
    async with chromium(timezone_id=ZONE) as context:
        page = await context.new_page()
        for status in (InvitationStatus.WITHDRAWN, InvitationStatus.EXPIRED):
            token, inv_id = invite(live, deadline=DEADLINE)
            invitations.move(live.db, inv_id, status, "test")
            response = await page.goto(f"{live.base}/i/{token}")
            assert response is not None and response.status in (403, 410)
            await all_decorated(page, live, f"closed ({status})")


DENIED = """
navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
"""
NO_CAMERA = """
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (c) => c && c.video
  ? Promise.reject(new DOMException("Requested device not found", "NotFoundError"))
  : realGetUserMedia(c);
"""


async def test_what_goes_wrong_with_devices_is_translatable_too(live) -> None:
    token, _ = invite(live, deadline=DEADLINE)
    async with chromium(timezone_id=ZONE) as context:
        await context.add_init_script(DENIED)
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/check")
        await page.wait_for_selector("#retry:not([hidden])", timeout=RECORDING)
        assert await page.is_visible("#help")
        await all_decorated(page, live, "device check, camera and microphone blocked")
        await page.goto(f"{live.base}/i/{token}/interview")
        await page.wait_for_selector("#error:not(:empty)", timeout=RECORDING)
        await all_decorated(page, live, "interview, camera and microphone blocked")
    async with chromium(timezone_id=ZONE) as context:
        await context.add_init_script(NO_CAMERA)
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}/check")
        await page.wait_for_selector("#continue[aria-disabled=false]", timeout=RECORDING)
        await all_decorated(page, live, "device check, no camera: sound only")
        await page.goto(f"{live.base}/i/{token}/interview")
        await page.wait_for_selector("#start:not([hidden])", timeout=RECORDING)
        await page.click("#start")
        await page.wait_for_selector("#stop:not([hidden])")
        await page.click("#stop")  # at once: too short to be an answer
        await page.wait_for_selector("#error:not(:empty)", timeout=RECORDING)
        await all_decorated(page, live, "practice question, a take too short")


async def test_a_deadline_in_the_readers_own_time_is_translatable(live) -> None:
    token, _ = invite(live, deadline=DEADLINE)
    async with chromium(timezone_id="America/New_York") as context:
        page = await context.new_page()
        await page.goto(f"{live.base}/i/{token}")
        assert "11:00" in (await page.text_content("time") or "")
        await all_decorated(page, live, "invitation, read in another time zone")
