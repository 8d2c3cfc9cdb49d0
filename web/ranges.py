"""Which bytes of a stored file a GET asks for, decided by RFC 9110 (§14 Range, §13.1.5 If-Range).

A Range header that is not one well-formed byte range (another unit, bad syntax, a last byte before the first,
several ranges) is ignored and the whole file is sent: a player or download manager that sent it still gets the
file, where a 416 would leave it with nothing. Only a well-formed range that starts beyond the end is refused
(416). An If-Range that does not match the file exactly (a different or weak ETag, a different date, or a date
too close to the change to be trusted) also means the whole file, so a resumed download never splices two
versions of a file together.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

# Longer numbers than this are beyond any file here; int() of thousands of digits would refuse (Python caps it)
# and cost time for nothing.
_MAX_DIGITS = 18
_BEYOND = 10**_MAX_DIGITS
_SPEC = re.compile(r"([0-9]*)-([0-9]*)")


@dataclass(frozen=True)
class Whole:
    """Send the whole file (200)."""


@dataclass(frozen=True)
class Part:
    """Send bytes first..last, both included (206)."""

    first: int
    last: int


@dataclass(frozen=True)
class Unsatisfiable:
    """A well-formed range outside the file (416 with `Content-Range: bytes */SIZE`)."""


Plan = Whole | Part | Unsatisfiable


@dataclass(frozen=True)
class Validators:
    """What identifies this version of a file: its ETag (quoted, as sent) and Last-Modified time."""

    etag: str
    last_modified: int  # seconds since the epoch, as the Last-Modified header states it
    changed_at: float  # the file's real modification time

    @classmethod
    def of_file(cls, st: os.stat_result) -> Validators:
        # The same ETag and Last-Modified aiohttp's FileResponse sends for this file (its format: mtime in
        # nanoseconds and size, in hex; Last-Modified rounded up to the second). A test checks that they agree.
        return cls(f'"{st.st_mtime_ns:x}-{st.st_size:x}"', math.ceil(st.st_mtime), st.st_mtime)


def _number(digits: str) -> int:
    return _BEYOND if len(digits) > _MAX_DIGITS else int(digits)


def single_range(value: str) -> tuple[int | None, int | None] | None:
    """The one byte range a Range header asks for: (first, last) with last None for "to the end", or
    (None, n) for the last n bytes. None when the header is to be ignored."""
    unit, equals, rest = value.strip(" \t").partition("=")
    if not equals or unit.lower() != "bytes":
        return None
    # A list may hold empty elements, which recipients skip (RFC 9110 §5.6.1.2); spaces and tabs may surround
    # each one.
    specs = [s.strip(" \t") for s in rest.split(",")]
    specs = [s for s in specs if s]
    if len(specs) != 1:
        return None  # none, or several ranges: send the whole file rather than a multipart answer
    match = _SPEC.fullmatch(specs[0])
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        return None if not last else (None, _number(last))
    start = _number(first)
    end = _number(last) if last else None
    if end is not None and end < start:
        return None
    return start, end


def for_proxy(value: str | None) -> str:
    """The Range to hand a proxy that sends the file: one well-formed range written plainly, or "" for the whole
    file. The proxy decides If-Range and the file's end with its own validators and size."""
    wanted = None if value is None else single_range(value)
    if wanted is None:
        return ""
    first, last = wanted
    if first is None:
        # "the last 0 bytes" can never be sent; a start beyond any file makes the proxy say so (416)
        return f"bytes={_BEYOND}-" if last == 0 else f"bytes=-{last}"
    return f"bytes={first}-" if last is None else f"bytes={first}-{last}"


def if_range_holds(value: str, validators: Validators, now: float | None = None) -> bool:
    """Whether an If-Range names exactly this version of the file (RFC 9110 §13.1.5)."""
    value = value.strip(" \t")
    if value.startswith('W/"'):
        return False  # a weak ETag never matches: the bytes of a weakly equal file may differ
    if value.startswith('"'):
        return value == validators.etag
    try:
        date = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    if date.tzinfo is None:
        return False
    # A date is only a strong validator when the file had not changed within the second it names.
    now = time.time() if now is None else now
    return int(date.timestamp()) == validators.last_modified and now - validators.changed_at >= 1


def plan(method: str, headers: Mapping[str, str], size: int, validators: Validators | None) -> Plan:
    """What to send for this request. `validators` None: the If-Range is left to whoever sends the bytes
    (a proxy with validators of its own)."""
    value = headers.get("Range")
    if method != "GET" or value is None:
        return Whole()  # Range is defined for GET only
    if_range = headers.get("If-Range")
    if if_range is not None and validators is not None and not if_range_holds(if_range, validators):
        return Whole()
    wanted = single_range(value)
    if wanted is None:
        return Whole()
    first, last = wanted
    if first is None:  # the last `last` bytes
        assert last is not None
        if last == 0 or size == 0:
            return Unsatisfiable()
        return Part(max(0, size - last), size - 1)
    if first >= size:
        return Unsatisfiable()
    return Part(first, size - 1 if last is None else min(last, size - 1))
