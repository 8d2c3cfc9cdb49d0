from __future__ import annotations

from aiohttp import web

from boxinterview.web.render import render


async def index(request: web.Request) -> web.Response:
    return render(request, "index.html", title="boxinterview")
