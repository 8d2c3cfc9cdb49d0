"""Every candidate page stays light for a phone on a weak connection: under 100 KB of JS and CSS."""

from __future__ import annotations

import re

import requests

from boxinterview.domain import invitations
from tests.support.live import live_server

LIMIT = 100 * 1024


def test_candidate_pages_ship_under_100_kb_of_script_and_style(tmp_path) -> None:
    with live_server(tmp_path) as live:
        inv, token = invitations.invite(live.db, live.interview.id, "Ann", "ann@example.com", "test")
        invitations.record_consent(live.db, inv.id, "1")
        for path in (f"/i/{token}", f"/i/{token}/check", f"/i/{token}/interview"):
            html = requests.get(live.base + path, timeout=10).text
            assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
            assert assets, path
            weight = sum(len(requests.get(live.base + a, timeout=10).content) for a in assets)
            inline = sum(len(s) for s in re.findall(r"<script>(.*?)</script>", html, re.S))
            assert weight + inline < LIMIT, f"{path}: {weight + inline} bytes of JS and CSS"
