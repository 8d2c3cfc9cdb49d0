from __future__ import annotations

from aiohttp import web

from boxinterview.web.keys import SETTINGS
from boxinterview.web.render import render


async def index(request: web.Request) -> web.Response:
    organisation = request.app[SETTINGS].organisation.name
    return render(request, "index.html", title=organisation, organisation=organisation)
