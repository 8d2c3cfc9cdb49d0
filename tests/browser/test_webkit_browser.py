"""The candidate's pages in WebKit (Debian's WebKitGTK MiniBrowser with its mock camera and microphone, over
WebDriver, under Xvfb). WebKitGTK on Debian 12 cannot record (docs/browsers.md has the evidence): the device
check must say so plainly and keep the candidate from going on, the interview page must say so instead of
losing a take, and written and multiple-choice answers must still work to the end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from boxinterview.domain import insight, invitations, journey
from boxinterview.domain.models import InvitationStatus
from tests.support.browsers import MINIBROWSER, WEBKIT_DRIVER, have, webkit, xvfb
from tests.support.candidate_steps import invite, open_interview
from tests.support.live import live_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # Selenium's own WebKitGTK driver still uses a RemoteConnection argument it deprecates
    pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning"),
]

RECORDED = """\
title: WebKit test
role: Support agent
support_contact: help@example.com
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: Introduce yourself, kind: video, think_seconds: 2, answer_seconds: 8, takes: 1, competencies: [Clarity]}
  - {prompt: "What matters in support?", kind: text, answer_seconds: 300, max_chars: 500, competencies: [Clarity]}
"""
WRITTEN = """\
title: WebKit written test
role: Support agent
competencies:
  - name: Clarity
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
questions:
  - {prompt: "What matters in support?", kind: text, answer_seconds: 300, max_chars: 500, competencies: [Clarity]}
  - prompt: Can you work weekends?
    kind: choice
    answer_seconds: 60
    choices: [{label: "Yes"}, {label: "No"}]
"""
WAIT = 30


def until(driver, selector: str, wanted: str, timeout: float = WAIT) -> str:
    """The element's text, once it holds `wanted`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def holds(d) -> str | bool:
        found = d.find_elements(By.CSS_SELECTOR, selector)
        text = found[0].text if found else ""
        return text if wanted in text else False

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(holds)
    except Exception as e:
        raise AssertionError(f"{selector} never said {wanted!r}: {driver.page_source[:3000]}") from e


def shown(driver, selector: str, timeout: float = WAIT) -> None:
    """Wait until the element is on the page and visible."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: d.find_element(By.CSS_SELECTOR, selector).is_displayed())


def click(driver, selector: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, selector).click()


def said_it_cannot_record(driver) -> str:
    """The interview page's error after a take is started: at once where the browser cannot build a recorder
    (the plain Debian packages), or once the take is stopped where it builds one that delivers nothing (with
    GStreamer's bad, ugly and libav plugins, which claim MP4 with H.264 and AAC)."""
    deadline = time.monotonic() + WAIT
    stopped = False
    while True:
        error = driver.find_element("id", "error").text
        if "this browser cannot record here" in error:
            return error
        stop = driver.find_element("id", "stop")
        if not stopped and stop.is_displayed():
            time.sleep(1.5)
            stop.click()
            stopped = True
        assert time.monotonic() < deadline, driver.page_source[:3000]
        time.sleep(0.2)


def reported_health(live) -> insight.Technical:
    """The technical health of the live interview, once a device check has reached the server (the page sends
    its report without waiting for it)."""
    deadline = time.monotonic() + 10
    while True:
        health = insight.for_interview(live.db, None, live.interview.id, *insight.period(30)).technical
        if health.checks_passed + health.checks_failed or time.monotonic() > deadline:
            return health
        time.sleep(0.2)


def test_webkit_is_told_it_cannot_record_and_written_answers_still_work(tmp_path: Path) -> None:
    have(WEBKIT_DRIVER, MINIBROWSER, "Xvfb")
    with (
        live_server(tmp_path, media={"worker_in_server": True}) as live,
        xvfb() as display,
        webkit(display, tmp_path / "webkit.log") as driver,
    ):
        open_interview(live, RECORDED)
        token, inv_id = invite(live, consent=False)

        driver.get(f"{live.base}/i/{token}")
        assert "Safari/" in driver.execute_script("return navigator.userAgent")
        until(driver, "h1", "Support agent")
        click(driver, "#consent")
        click(driver, "button[type=submit]")
        # The mock camera opens; the trial recording shows the browser cannot record, which the check says.
        until(driver, "#r-camera", "Camera: working ✓")
        until(driver, "#r-mic", "Microphone: working ✓")
        until(driver, "#r-browser", "Browser: cannot record video here")
        assert "recent Chrome, Edge, Firefox or Safari" in until(driver, "#help", "cannot make recordings")
        assert driver.find_element("id", "continue").get_attribute("aria-disabled") == "true"
        # What the server was told, for the operator's insight into candidates' technical trouble
        health = reported_health(live)
        assert health.browsers == [("Safari on a computer", 1)] and health.checks_failed == 1
        assert [p for p, _ in health.problems][0].startswith("cannot record: "), health.problems

        # Straight to the interview all the same: the practice take says what is wrong instead of hanging.
        driver.get(f"{live.base}/i/{token}/interview")
        until(driver, "#step", "Practice question")
        until(driver, "#start", "Start recording now")
        click(driver, "#start")
        error = said_it_cannot_record(driver)
        assert "help@example.com" in error
        assert not journey.progress(live.db, token).questions[0].takes  # nothing half-recorded was kept

        # A written interview needs no recording: WebKit completes it to the end.
        open_interview(live, WRITTEN)
        token, inv_id = invite(live)
        driver.get(f"{live.base}/i/{token}/interview")
        until(driver, "#step", "Question 1 of 2")
        shown(driver, "#text")  # once the question's time has begun on the server
        driver.find_element("id", "text").send_keys("Listening first, then fixing the cause.")
        click(driver, "#submit")
        until(driver, "#receipt", "Answer 1 of 2 saved")
        until(driver, "#step", "Question 2 of 2")
        click(driver, "#choice-1")
        click(driver, "#submit")
        until(driver, "#finish", "Finish")
        click(driver, "#finish")
        until(driver, "h1", "Thank you")
        assert driver.current_url.endswith(f"/i/{token}/done")
        assert invitations.get(live.db, inv_id).status is InvitationStatus.COMPLETED
        answered = journey.progress(live.db, token).questions
        assert answered[0].text_value.startswith("Listening first") and answered[1].choice_position == 1
