"""The organisation's own face on the pages: its logo and its accent colour (a stylesheet that sets the `--accent`
custom property, so no page needs inline style or script). Both are read once at start and named by their
content, so a link with the current version may be kept for a year."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from boxinterview.config import logo as logos
from boxinterview.config.settings import Settings
from boxinterview.web.handlers.assets import YEAR
from boxinterview.web.keys import BRAND

# Whatever an SVG logo holds, opened on its own it may run nothing and load nothing (the file is also checked
# when the settings are read); its own <style> may still draw it.
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@dataclass(frozen=True)
class Brand:
    name: str
    logo: logos.Logo | None
    stylesheet: bytes  # empty when the accent is the product's own

    @classmethod
    def from_settings(cls, settings: Settings) -> Brand:
        org = settings.organisation
        found = logos.read(Path(org.logo)) if org.logo else None
        css = f":root {{ --accent: {org.accent_colour}; }}\n".encode() if org.accent else b""
        return cls(org.name, found, css)

    @property
    def logo_url(self) -> str | None:
        return f"/brand/logo?v={self.logo.version}" if self.logo else None

    @property
    def stylesheet_version(self) -> str:
        return hashlib.sha256(self.stylesheet).hexdigest()[:12]

    @property
    def stylesheet_url(self) -> str | None:
        return f"/brand/accent.css?v={self.stylesheet_version}" if self.stylesheet else None


def _cached(request: web.Request, version: str, body: bytes, content_type: str) -> web.Response:
    etag = f'"{version}"'
    # A link with the current version can be kept; any other (an old page, a typed address) is checked again.
    headers = {"Cache-Control": YEAR if request.query.get("v") == version else "no-cache", "ETag": etag}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=content_type, headers=headers)


async def logo(request: web.Request) -> web.Response:
    found = request.app[BRAND].logo
    if found is None:
        raise web.HTTPNotFound(text="no logo is configured (organisation.logo)")
    response = _cached(request, found.version, found.data, found.media_type)
    response.headers["Content-Security-Policy"] = LOGO_POLICY
    return response


async def stylesheet(request: web.Request) -> web.Response:
    brand = request.app[BRAND]
    if not brand.stylesheet:
        raise web.HTTPNotFound(text="no accent is configured (organisation.accent)")
    return _cached(request, brand.stylesheet_version, brand.stylesheet, "text/css")
