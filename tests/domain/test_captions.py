"""Captions for the team's videos: WebVTT checked before it is stored, refused with the line that is wrong."""

from __future__ import annotations

import pytest

from boxinterview.domain import captions
from boxinterview.errors import Invalid, TooLarge

GOOD = (
    "\ufeffWEBVTT - welcome\r\nKind: captions\r\n\r\n"
    "NOTE written by the team\r\n\r\n"
    "intro\r\n00:00.500 --> 00:02.000 align:start\r\nWelcome, and thank you for applying.\r\n\r\n"
    "01:00:02.000 --> 01:00:04.250\r\n<v Lee>We are glad you are here.\r\n"
)


def test_reads_cues_with_identifiers_notes_and_settings() -> None:
    text, cues = captions.parse(GOOD.encode("utf-8"))
    assert text.startswith("WEBVTT - welcome\nKind: captions\n") and "\r" not in text
    assert [(c.start_ms, c.end_ms) for c in cues] == [(500, 2000), (3_602_000, 3_604_250)]
    assert cues[0].text == "Welcome, and thank you for applying."


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("Welcome\n\n00:00.000 --> 00:01.000\nHi\n", "line 1: a WebVTT file starts"),
        (
            "WEBVTT\n\n00:00.000 --> 00:01\nHi\n",
            "line 3: the cue timings '00:00.000 --> 00:01' cannot be read",
        ),
        ("WEBVTT\n\n00:00.000 -> 00:01.000\nHi\n", "line 3: expected cue timings"),
        (
            "WEBVTT\n\n00:02.000 --> 00:01.000\nHi\n",
            "line 3: the cue '00:02.000 --> 00:01.000' ends before it starts",
        ),
        (
            "WEBVTT\n\n00:05.000 --> 00:06.000\nB\n\nsecond\n00:01.000 --> 00:02.000\nA\n",
            "line 7: the cue '00:01.000 --> 00:02.000' starts before the cue above it",
        ),
        ("WEBVTT\n\n00:61.000 --> 00:62.000\nHi\n", "line 3: the cue timings"),
        ("WEBVTT\n\nNOTE nothing else\n", "the captions hold no cue"),
    ],
)
def test_refuses_broken_captions_naming_the_line(body: str, said: str) -> None:
    with pytest.raises(Invalid) as refused:
        captions.parse(body)
    assert said in str(refused.value)


def test_refuses_captions_too_large_or_not_utf8() -> None:
    with pytest.raises(TooLarge):
        captions.parse(b"WEBVTT\n\n" + b"00:00.000 --> 00:01.000\n" + b"x" * captions.MAX_BYTES)
    with pytest.raises(Invalid, match="not UTF-8"):
        captions.parse("WEBVTT\n\n00:00.000 --> 00:01.000\nGrüße\n".encode("latin-1"))
