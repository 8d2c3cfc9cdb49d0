"""The pages' scripts, styles and pictures. Each link names the file's version, so a browser may keep it for a
year; they go out through `sendfile` like every other file, so byte ranges follow the same rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from aiohttp import web

from boxinterview.web import sendfile
from boxinterview.web.keys import ASSETS

FOLDER = Path(str(resources.files("boxinterview.web").joinpath("static")))
YEAR = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    path: Path
    version: str

    @property
    def url(self) -> str:
        return f"/static/{self.path.name}?v={self.version}"


def catalogue(folder: Path = FOLDER) -> dict[str, Asset]:
    """Every file there is to send, by name, read once at start: a request never names a path."""
    return {
        p.name: Asset(p, hashlib.sha256(p.read_bytes()).hexdigest()[:12])
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


async def asset(request: web.Request) -> web.StreamResponse:
    found = request.app[ASSETS].get(request.match_info["name"])
    if found is None:
        raise web.HTTPNotFound(text="no such file")
    # A link with the current version can be kept; any other (an old page, a typed address) is checked again.
    cache = YEAR if request.query.get("v") == found.version else "no-cache"
    return sendfile.stream(found.path, {"Cache-Control": cache})
