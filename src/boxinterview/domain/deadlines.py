"""Deadlines as operators type them and spreadsheets write them, read in the interview's time zone.

Taken, with or without a time (a date alone means the end of that day, 23:59):

- `2026-12-31 17:00`, `2026-12-31T17:00`, `2026-12-31`: ISO 8601, year first;
- `31.12.2026 17:00`, `31.12.2026`: day first, as German, Dutch and other spreadsheets write it with dots;
- `31/12/2026 17:00`, `12/31/2026 5:00 PM`: with slashes, read only when the order of day and month shows
  (one of them is above 12, or both are the same); `03/04/2026` could be 3 April or 4 March and is refused,
  saying how to write it (and a CSV file whose slash dates show both orders has them all refused: `invite_csv`);
- a time as `17:00`, `17:00:00` or `5:00 PM` / `5 PM`;
- and anything ISO 8601 with its own zone (`2026-12-31T17:00+01:00`, `…Z`), which keeps that zone.

A value without a zone is in the interview's time zone (`time_zone`); the result is in UTC. A time the clocks
skip in that zone (2:30 on the night summer time begins) is refused; a time they pass twice is the first one.
Years are written in full: `31.12.26` is refused."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from boxinterview.errors import Invalid
from boxinterview.store import Database

FORMS = "2026-12-31 17:00, 31.12.2026 17:00 or 2026-12-31 (the end of that day)"
END_OF_DAY = time(23, 59)

_TIME = r"(?:[ T]+(?P<h>\d{1,2})(?::(?P<m>\d{2})(?::(?P<s>\d{2}))?)?\s*(?P<ampm>[ap]\.?m\.?)?)?"
_ISO = re.compile(rf"(?P<y>\d{{4}})-(?P<a>\d{{1,2}})-(?P<b>\d{{1,2}}){_TIME}", re.I)
_DOTS = re.compile(rf"(?P<a>\d{{1,2}})\.(?P<b>\d{{1,2}})\.(?P<y>\d+){_TIME}", re.I)
_SLASHES = re.compile(rf"(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>\d+){_TIME}", re.I)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"the time zone {name[:40]!r} is not known; write one such as Europe/Berlin") from None


def read(text: str, time_zone: str) -> datetime:
    """`text` as a moment in UTC, a value without a zone read in `time_zone`; Invalid saying how to write it."""
    text = " ".join(text.split())
    shown = repr(text[:40])
    if not text:
        raise Invalid(f"give a date, e.g. {FORMS}")
    with_zone = _with_zone(text)
    if with_zone is not None:
        try:
            return with_zone.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000 in UTC
            raise Invalid(f"{shown} is too far in the future; check the year") from None
    matches = (
        (p.fullmatch(text), order) for p, order in ((_ISO, "ymd"), (_DOTS, "dmy"), (_SLASHES, "either"))
    )
    found, order = next(((m, order) for m, order in matches if m), (None, ""))
    if found is None:
        raise Invalid(f"{shown} is not a date this reads; write it like {FORMS}")
    a, b, year_text = int(found["a"]), int(found["b"]), found["y"]
    if len(year_text) != 4:
        raise Invalid(f"{shown}: write the year in full, e.g. {FORMS}")
    if order == "ymd":
        month, day = a, b
    elif order == "dmy" or a > 12 >= b or a == b:
        day, month = a, b
    elif b > 12 >= a:
        month, day = a, b
    elif a > 12 and b > 12:
        raise Invalid(f"{shown} is not a date: neither {a} nor {b} is a month")
    else:
        raise Invalid(
            f"{shown} could be {_spoken(a, b)} or {_spoken(b, a)}: with slashes the order of day and month "
            f"is not known; write the year first ({year_text}-{b:02}-{a:02} for {_spoken(a, b)}) or the day "
            f"first with dots ({a:02}.{b:02}.{year_text})"
        )
    try:
        day_ = date(int(year_text), month, day)
    except ValueError:
        raise Invalid(f"{shown} is not a date: day {day} of month {month} does not exist") from None
    at = _time(found, shown)
    tz = zone(time_zone)
    local = datetime.combine(day_, at, tzinfo=tz)
    try:
        utc = local.astimezone(UTC)
    except OverflowError:
        raise Invalid(f"{shown} is too far in the future; check the year") from None
    if utc.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise Invalid(
            f"{shown} does not happen in {time_zone}: the clocks skip it that night; give another time"
        )
    return utc


def slash_order(text: str) -> str | None:
    """Which order a date with slashes shows ("day first", "month first"), or None when it shows none (or has
    no slashes): a file whose dates show both is written in two ways, and none of its slash dates can be trusted."""
    found = _SLASHES.fullmatch(" ".join(text.split()))
    if found is None:
        return None
    a, b = int(found["a"]), int(found["b"])
    return "day first" if a > 12 >= b else "month first" if b > 12 >= a else None


def of_interview(db: Database, interview_id: int, text: str) -> datetime | None:
    """A deadline typed for one of the interview's candidates, read in its time zone; None when nothing was."""
    if not text.strip():
        return None
    from boxinterview.domain import interviews

    return read(text, interviews.get(db, interview_id).time_zone)


def _with_zone(text: str) -> datetime | None:
    """An ISO 8601 value that names its own zone (an offset or Z); None for anything else."""
    if not re.search(r"(?:[+-]\d{2}:?\d{2}|Z)$", text, re.I) or not re.match(r"\d{4}-", text):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _time(found: re.Match[str], shown: str) -> time:
    if found["h"] is None:
        return END_OF_DAY
    hour, minute, second = int(found["h"]), int(found["m"] or 0), int(found["s"] or 0)
    ampm = (found["ampm"] or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise Invalid(f"{shown}: with AM or PM the hour is 1 to 12")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif found["m"] is None:
        raise Invalid(f"{shown}: write the time with its minutes, e.g. 17:00")
    if hour > 23 or minute > 59 or second > 59:
        raise Invalid(f"{shown} is not a time of day; write it like 17:00")
    return time(hour, minute, second)


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _spoken(day: int, month: int) -> str:
    return f"{day} {_MONTHS[month - 1]}"
