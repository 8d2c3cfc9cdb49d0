"""Reading what a browser submits. aiohttp says a body is not the form it claims to be (no boundary, a header
too long or with control characters in it, a part that never ends, bytes that are not UTF-8) with bare
ValueError, KeyError or its parser's errors; every handler reads forms through here, so such a body gets a 400
with a plain message, never a server error."""

from __future__ import annotations

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy

from boxinterview.errors import Unreadable

# What aiohttp raises for a body it cannot read as the form or multipart it says it is.
UNREADABLE = (ValueError, KeyError, AssertionError, LookupError, HttpProcessingError)


async def read(request: web.Request) -> MultiDictProxy[str | bytes | bytearray | web.FileField]:
    try:
        return await request.post()
    except UNREADABLE:
        raise Unreadable(
            "the form could not be read (it must be a web form in UTF-8); reload the page and send it again"
        ) from None
