"""Every candidate page stays light for a phone on a weak connection: under 100 KB of JS and CSS."""

from __future__ import annotations

import re

from boxinterview.domain import invitations
from tests.support.site import text_of

LIMIT = 100 * 1024


async def test_candidate_pages_ship_under_100_kb_of_script_and_style(site) -> None:
    live = site
    inv, token = invitations.invite(live.db, live.interview.id, "Ann", "ann@example.com", "test")
    invitations.record_consent(live.db, inv.id, "1")
    phone = await live.browser()
    for path in (f"/i/{token}", f"/i/{token}/check", f"/i/{token}/interview"):
        html = await text_of(phone, path)
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        assert assets, path
        weight = sum([len(await (await phone.get(a)).read()) for a in assets])
        inline = sum(len(s) for s in re.findall(r"<script>(.*?)</script>", html, re.S))
        assert weight + inline < LIMIT, f"{path}: {weight + inline} bytes of JS and CSS"
