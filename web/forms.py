"""Reading what a browser submits. aiohttp says a body is not the form it claims to be (no boundary, a header
too long or with control characters in it, a part that never ends, bytes that are not UTF-8) with bare
ValueError, KeyError or its parser's errors; every handler reads forms through here, so such a body gets a 400
with a plain message, never a server error.

A field sent twice (`outcome=advance&outcome=reject`) is refused unless the form is one that sends it many times
(ticked boxes): no browser sends a form so, and reading either copy would decide for the sender without telling
them."""

from __future__ import annotations

from collections.abc import Collection

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy

from boxinterview.errors import Invalid, Unreadable

# What aiohttp raises for a body it cannot read as the form or multipart it says it is.
UNREADABLE = (ValueError, KeyError, AssertionError, LookupError, HttpProcessingError)


async def read(
    request: web.Request, *, many: Collection[str] | None = ()
) -> MultiDictProxy[str | bytes | bytearray | web.FileField]:
    """The form, each field once but those in `many` (None: any field may repeat, for a reader of one field that
    leaves the rest to the handler)."""
    try:
        form = await request.post()
    except UNREADABLE:
        raise Unreadable(
            "the form could not be read (it must be a web form in UTF-8); reload the page and send it again"
        ) from None
    if many is not None:
        repeated = sorted({name for name in form if name not in many and len(form.getall(name)) > 1})
        if repeated:
            names = ", ".join(f'"{name}"' for name in repeated[:5])
            raise Invalid(f"the form sends {names} more than once; reload the page and send it again")
    return form
