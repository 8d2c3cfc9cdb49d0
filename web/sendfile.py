"""Sending a stored file (a recording, a document) once a handler has decided the caller may have it."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from boxinterview.web.keys import SETTINGS


def send(request: web.Request, path: Path, headers: dict[str, str]) -> web.StreamResponse:
    """aiohttp streams the file itself (with Range support), or, behind a proxy set up for it, hands the
    sending to the proxy with X-Accel-Redirect. Either way the path comes from the store, never the request."""
    settings = request.app[SETTINGS]
    if settings.server.accel_redirect:
        relative = path.resolve().relative_to(settings.data_dir.resolve())  # raises if outside the data
        return web.Response(status=200, headers={**headers, "X-Accel-Redirect": "/" + relative.as_posix()})
    return web.FileResponse(path, headers=headers)
