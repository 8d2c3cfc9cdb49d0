"""The organisation's own face on the pages: its logo in the header of a candidate's pages, its accent through
a stylesheet that sets `--accent`, both from stable addresses that may be kept; and nothing of it without."""

from __future__ import annotations

import re

from boxinterview.domain import invitations
from tests.support import logos
from tests.support.site import text_of


async def test_a_candidate_page_shows_the_logo_named_by_the_organisation_and_its_accent(
    make_site, tmp_path
) -> None:
    logo_file = logos.png(tmp_path / "logo.png")
    site = await make_site(organisation={"name": "Acme & Sons", "logo": str(logo_file), "accent": "#8a1c7c"})
    inv, token = invitations.invite(site.db, site.interview.id, "Ann", "ann@example.com", "test")
    candidate = await site.browser()
    html = await text_of(candidate, f"/i/{token}")
    header = re.search(r'<header class="bar">(.*?)</header>', html, re.S)
    assert header is not None
    logo = re.search(
        r'<img class="logo" src="(/brand/logo\?v=[0-9a-f]{12})" alt="Acme &amp; Sons" '
        r'width="120" height="40">',
        header.group(1),
    )
    assert logo is not None, header.group(1)
    assert "Acme &amp; Sons</span>" not in header.group(1)  # the picture names it, once

    got = await candidate.get(logo.group(1))
    assert got.status == 200 and got.content_type == "image/png"
    assert await got.read() == logo_file.read_bytes()
    assert got.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    again = await candidate.get(logo.group(1), headers={"If-None-Match": got.headers["ETag"]})
    assert again.status == 304
    stale = await candidate.get("/brand/logo?v=000000000000")
    assert stale.headers["Cache-Control"] == "no-cache"

    sheet = re.search(r'<link rel="stylesheet" href="(/brand/accent\.css\?v=[0-9a-f]{12})">', html)
    assert sheet is not None
    css = await candidate.get(sheet.group(1))
    assert css.content_type == "text/css" and ":root { --accent: #8a1c7c; }" in await css.text()
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "<script>" not in html  # the accent arrives as a stylesheet, not as inline script or style
    assert "style=" not in html

    invitations.record_consent(site.db, inv.id, "1")
    for page in ("check", "interview"):
        assert '<img class="logo" src="/brand/logo?v=' in await text_of(candidate, f"/i/{token}/{page}")


async def test_the_shared_stylesheet_takes_the_accent_for_buttons_links_focus_and_progress(site) -> None:
    client = await site.browser()
    html = await text_of(client, "/")
    app_css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', html)
    assert app_css is not None
    css = await (await client.get(app_css.group(1))).text()
    for rule in (
        "a { color: var(--accent); }",
        ":focus-visible { outline: 3px solid var(--accent);",
        "button.primary, .button.primary { background: var(--accent);",
        "progress { accent-color: var(--accent); }",
        ".step { color: var(--accent);",
    ):
        assert rule in css
    assert "--accent: #0b57d0;" in css


async def test_without_branding_pages_show_the_name_and_no_brand_files(site) -> None:
    inv, token = invitations.invite(site.db, site.interview.id, "Ann", "ann@example.com", "test")
    candidate = await site.browser()
    html = await text_of(candidate, f"/i/{token}")
    assert f'<header class="bar"><span class="brand">{site.settings.organisation.name}</span>' in html
    assert "/brand/" not in html
    assert (await candidate.get("/brand/logo")).status == 404
    assert (await candidate.get("/brand/accent.css")).status == 404


async def test_reviewer_pages_show_the_logo_small_beside_their_own_heading(make_site, tmp_path) -> None:
    svg = tmp_path / "logo.svg"
    svg.write_text(logos.SVG)
    site = await make_site(organisation={"name": "Acme", "logo": str(svg)})
    client = await site.browser()
    html = await text_of(client, "/login")
    assert re.search(
        r'<img class="logo small" src="/brand/logo\?v=[0-9a-f]{12}" alt="Acme" width="120" '
        r'height="40"><span class="brand">boxinterview</span>',
        html,
    )
    got = await client.get(re.search(r'src="(/brand/logo[^"]+)"', html).group(1))
    assert got.content_type == "image/svg+xml"
    assert got.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
