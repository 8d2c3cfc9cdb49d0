"""What a candidate does in the browser, step by step, found the way they find it: by roles, labels and visible
text (for the candidate-side browser tests)."""

from __future__ import annotations

from playwright.async_api import Page, expect

from boxinterview.domain import interview_io, interviews, invitations
from boxinterview.domain.models import Interview, InterviewStatus
from tests.support.live import Live

RECORDING = 30_000  # ms: opening the camera and starting a recording can take a while on a busy machine


def open_interview(live: Live, yaml_text: str) -> Interview:
    """An open interview from YAML; the live server's new candidates are invited to it."""
    iv = interviews.create(live.db, interview_io.from_yaml(yaml_text), "test")
    interviews.set_status(live.db, iv, InterviewStatus.OPEN, "test")
    live.interview = interviews.get(live.db, iv)
    return live.interview


def invite(live: Live, consent: bool = True, **options) -> tuple[str, int]:
    """A new candidate invited to the live server's interview; returns the token and the invitation id."""
    live.count += 1
    inv, token = invitations.invite(
        live.db, live.interview.id, "Ann Example", f"ann{live.count}@example.com", "test", **options
    )
    if consent:
        invitations.record_consent(live.db, inv.id, "1")
    return token, inv.id


async def practise(page: Page) -> None:
    """The practice question: one short take, then on to the interview."""
    await expect(page.get_by_text("Practice question (not saved)")).to_be_visible(timeout=RECORDING)
    await page.get_by_role("button", name="Start recording now").click(timeout=RECORDING)
    await expect(page.get_by_role("button", name="Stop recording")).to_be_visible()
    await page.wait_for_timeout(1200)
    await page.get_by_role("button", name="Stop recording").click()
    await page.get_by_role("button", name="Start the interview").click()


async def record(page: Page, seconds: float) -> None:
    """Start a take at once, record for `seconds`, stop, and wait until it can be submitted."""
    await page.get_by_role("button", name="Start recording now").click(timeout=RECORDING)
    await expect(page.get_by_role("button", name="Stop recording")).to_be_visible()
    await page.wait_for_timeout(seconds * 1000)
    await page.get_by_role("button", name="Stop recording").click()
    await expect(page.get_by_role("button", name="Submit this answer")).to_be_visible(timeout=RECORDING)


async def saved(page: Page, n: int, of: int) -> None:
    """The receipt for answer n, which comes only once the server has all of it."""
    await expect(page.get_by_role("status").filter(has_text=f"Answer {n} of {of} saved ✓")).to_be_visible(
        timeout=60_000
    )


async def box(page: Page, locator) -> dict:
    """Where an element is in the viewport now (its bounding box), after any scrolling the test did."""
    found = await locator.bounding_box()
    assert found is not None, f"{locator} is not displayed"
    return found


def within(b: dict, viewport: dict, bottom: float | None = None) -> bool:
    """Whether the whole box is on screen, optionally above `bottom` (say, the top of a bar that covers the rest)."""
    limit = viewport["height"] if bottom is None else bottom
    return (
        b["x"] >= 0
        and b["y"] >= 0
        and b["x"] + b["width"] <= viewport["width"] + 0.5
        and b["y"] + b["height"] <= limit + 0.5
    )
