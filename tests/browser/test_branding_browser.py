"""The organisation's face as Chromium shows it, under the server's Content-Security-Policy: the logo loads in
the header, the accent reaches buttons and the focus ring, and axe finds no contrast problem."""

from __future__ import annotations

import pytest

from tests.support import logos
from tests.support.browser import chromium, serious_accessibility_problems
from tests.support.candidate_steps import invite
from tests.support.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ACCENT = "#8a1c7c"
ACCENT_RGB = "rgb(138, 28, 124)"


@pytest.fixture
def live(tmp_path):
    svg = tmp_path / "logo.svg"
    svg.write_text(logos.SVG)
    with live_server(tmp_path, organisation={"name": "Acme", "logo": str(svg), "accent": ACCENT}) as server:
        yield server


async def test_the_logo_and_accent_reach_the_candidate_page(live) -> None:
    token, _ = invite(live, consent=False)
    async with chromium() as context:
        page = await context.new_page()
        refused: list[str] = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        await page.goto(f"{live.base}/i/{token}")
        logo = page.get_by_role("img", name="Acme")
        await logo.wait_for()
        assert await logo.evaluate("img => img.complete && img.naturalWidth") == 120
        button = page.locator("button.primary").first
        assert await button.evaluate("b => getComputedStyle(b).backgroundColor") == ACCENT_RGB
        assert await button.evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"
        await page.keyboard.press("Tab")
        focused = page.locator(":focus-visible")
        assert await focused.evaluate("e => getComputedStyle(e).outlineColor") == ACCENT_RGB
        assert await serious_accessibility_problems(page) == []
        assert refused == []
