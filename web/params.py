"""Reading what a request sends: numbers in the query and forms (see `boxinterview.domain.numbers`) and JSON that must
be an object of plain values (forms themselves are read by `forms`). Whatever cannot be read is refused with a
400 or 422 saying what to send, never a server error."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from boxinterview.domain import numbers
from boxinterview.errors import Invalid

MAX_JSON_BYTES = 64 * 1024  # the largest body any JSON route takes (a device check report)
MAX_PAGE = 1_000_000


def one(request: web.Request, name: str, default: str = "") -> str:
    """The address's `name` parameter, given at most once: which of two was meant cannot be told."""
    values = request.query.getall(name, [])
    if len(values) > 1:
        raise Invalid(f"{name} is given {len(values)} times in the address; give it once")
    return values[0] if values else default


def query_whole(request: web.Request, name: str, default: int, *, low: int = 1, high: int = MAX_PAGE) -> int:
    value = one(request, name)
    return default if value == "" else numbers.whole(value, name, low=low, high=high)


def wholes(values: list[Any], name: str) -> list[int]:
    return [numbers.whole(str(v), name, low=1) for v in values]


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


async def json_bytes(request: web.Request) -> bytes:
    """The body as sent, refused when it is larger than a JSON body needs to be."""
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise Invalid(f"the request body is larger than {MAX_JSON_BYTES // 1024} KB")
    raw = await request.content.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise Invalid(f"the request body is larger than {MAX_JSON_BYTES // 1024} KB")
    return raw


class _Repeated(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose names are each given once: of `{"answer": "a", "answer": "b"}` a reader would keep either,
    deciding for the sender without telling them."""
    obj = dict(pairs)
    if len(obj) < len(pairs):
        raise _Repeated(next(name for i, (name, _) in enumerate(pairs) if name in dict(pairs[:i])))
    return obj


def json_value(raw: bytes) -> Any:
    """JSON bytes as a value. NaN and Infinity (which JSON does not have), a name given twice in one object and
    nesting deeper than a recursion can take are refused like any other malformed body."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant, object_pairs_hook=_unique)
    except _Repeated as repeated:
        raise Invalid(
            f"the request body gives {repeated.name!r} more than once; give each name once"
        ) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Invalid("the request body must be JSON (UTF-8, numbers as JSON writes them)") from None


async def json_object(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object."""
    body = json_value(await json_bytes(request))
    if not isinstance(body, dict):
        raise Invalid("the request body must be a JSON object")
    return body
