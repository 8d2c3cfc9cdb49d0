"""Captions for the hiring team's videos, as WebVTT (the format a browser's `<track>` reads).

A caption file is checked before it is stored, and refused with the line that is wrong: a browser shown a broken
file silently shows no captions at all, and the candidate who needs them would never know there were any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from boxinterview.errors import Invalid, TooLarge

MAX_BYTES = 256 * 1024  # a long video's captions take a few tens of kilobytes
# hh:mm:ss.ttt with the hours optional (then at least two digits); minutes and seconds below 60
_TIME = re.compile(r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})")
_TIMING = re.compile(r"(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+.*)?")
_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str


def _millis(stamp: str) -> int | None:
    found = _TIME.fullmatch(stamp)
    if found is None:
        return None
    hours, minutes, seconds, millis = found.groups()
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def parse(raw: str | bytes) -> tuple[str, list[Cue]]:
    """The caption text as it will be stored (UTF-8, `\\n` line ends, no byte order mark) and its cues; raise
    Invalid naming the line that is wrong, or TooLarge."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise TooLarge(
                f"the captions are larger than {MAX_BYTES // 1024} KB; split the video or shorten them"
            )
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid(
                "the captions are not UTF-8 text; save the .vtt file as UTF-8 and try again"
            ) from None
    if len(raw.encode("utf-8")) > MAX_BYTES:
        raise TooLarge(
            f"the captions are larger than {MAX_BYTES // 1024} KB; split the video or shorten them"
        )
    text = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        raise Invalid("the captions hold a NUL character; a .vtt file is plain text")
    lines = text.split("\n")
    if not _HEADER.fullmatch(lines[0]):
        raise Invalid('line 1: a WebVTT file starts with the word "WEBVTT" on its first line')
    cues: list[Cue] = []
    number = 1  # of the line being read, counted from 1
    while number < len(lines):
        if not lines[number].strip():
            number += 1
            continue
        block_start = number
        block: list[str] = []
        while number < len(lines) and lines[number].strip():
            block.append(lines[number])
            number += 1
        if block_start == 1:
            continue  # header settings directly below WEBVTT (such as Kind: captions)
        first = block[0]
        if first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first:
            continue
        timing_at = 0 if "-->" in first else 1  # a cue may start with its identifier
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise Invalid(
                f"line {block_start + 1}: expected cue timings such as 00:00:01.000 --> 00:00:04.000, "
                f"found {first.strip()[:60]!r}"
            )
        cues.append(_cue(block, timing_at, block_start + timing_at + 1, cues))
    if not cues:
        raise Invalid(
            "the captions hold no cue; add at least one, such as 00:00:01.000 --> 00:00:04.000 and its text"
        )
    return text.rstrip("\n") + "\n", cues


def _cue(block: list[str], timing_at: int, line: int, earlier: list[Cue]) -> Cue:
    timing = block[timing_at].strip()
    found = _TIMING.fullmatch(timing)
    start = _millis(found.group(1)) if found else None
    end = _millis(found.group(2)) if found else None
    if found is None or start is None or end is None:
        raise Invalid(
            f"line {line}: the cue timings {timing[:60]!r} cannot be read; write them as "
            "00:00:01.000 --> 00:00:04.000 (hours optional, milliseconds with three digits)"
        )
    if end <= start:
        raise Invalid(f"line {line}: the cue {timing[:60]!r} ends before it starts")
    if earlier and start < earlier[-1].start_ms:
        raise Invalid(
            f"line {line}: the cue {timing[:60]!r} starts before the cue above it; put the cues in order"
        )
    return Cue(start, end, "\n".join(block[timing_at + 1 :]))
