"""Debian's Chromium driven by Playwright, with a fake camera and microphone (for the browser tests)."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, async_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}


@asynccontextmanager
async def chromium(viewport: dict | None = None, args: tuple[str, ...] = (), **options):
    """A browser context (a fresh profile); `options` go to Playwright's new_context (locale, timezone_id…)."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *args])
        context = await browser.new_context(viewport=viewport or DESKTOP, **options)
        try:
            yield context
        finally:
            await context.close()
            await browser.close()


async def serious_accessibility_problems(page: Page) -> list[str]:
    """axe-core's violations of serious or critical impact on the page as it is now."""
    results = await Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def shows(page: Page, selector: str, text: str, timeout: float = 30_000) -> None:
    """Wait until the element holds `text`. A locator waits without evaluating a string in the page, which the
    app's Content-Security-Policy refuses (script-src 'self', no 'unsafe-eval'); wait_for_function's would."""
    await page.locator(selector, has_text=text).wait_for(state="attached", timeout=timeout)


def screenshot_dir(tmp_path: Path) -> Path:
    """Where a test saves its screenshots: SCREENSHOT_DIR (relative to the repository, as the tests run in a
    temporary directory), else a temporary one."""
    chosen = os.environ.get("SCREENSHOT_DIR")
    folder = ROOT / chosen if chosen else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def sign_in(page: Page, base: str, email: str, password: str) -> None:
    """Sign in on the login page as a member of the hiring team, and land on the queue."""
    await page.goto(f"{base}/login")
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/review")
