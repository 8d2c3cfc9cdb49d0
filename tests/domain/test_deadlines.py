"""Deadlines as operators type them and spreadsheets write them: without a zone in the interview's time zone, a
date alone as the end of that day, and a day/month order that cannot be told refused with the form to use."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from boxinterview.domain import deadlines, interviews
from boxinterview.errors import Invalid

BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-12-31 17:00", datetime(2026, 12, 31, 16, 0)),  # winter: Berlin is UTC+1
        ("2026-12-31T17:00", datetime(2026, 12, 31, 16, 0)),
        ("2026-07-31 17:00:30", datetime(2026, 7, 31, 15, 0, 30)),  # summer: UTC+2
        ("2026-12-31", datetime(2026, 12, 31, 22, 59)),  # the end of that day, 23:59
        ("31.12.2026 17:00", datetime(2026, 12, 31, 16, 0)),
        ("31.12.2026", datetime(2026, 12, 31, 22, 59)),
        ("1.2.2027 9:30", datetime(2027, 2, 1, 8, 30)),
        ("31/12/2026", datetime(2026, 12, 31, 22, 59)),  # 31 can only be the day
        ("12/31/2026 5:00 PM", datetime(2026, 12, 31, 16, 0)),  # … and here too
        ("12/31/2026 5 pm", datetime(2026, 12, 31, 16, 0)),
        ("12/31/2026 12:00 AM", datetime(2026, 12, 30, 23, 0)),
        ("05/05/2026", datetime(2026, 5, 5, 21, 59)),  # the same either way
        ("  2026-12-31   17:00 ", datetime(2026, 12, 31, 16, 0)),
        ("2026-12-31T17:00+05:00", datetime(2026, 12, 31, 12, 0)),  # its own zone wins
        ("2026-12-31T17:00Z", datetime(2026, 12, 31, 17, 0)),
        ("2026-10-25 02:30", datetime(2026, 10, 25, 0, 30)),  # passed twice: the first
    ],
)
def test_reads_a_deadline_in_the_interviews_time_zone(text, utc) -> None:
    assert deadlines.read(text, BERLIN) == utc.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("03/04/2026", "could be 3 April or 4 March"),
        (
            "03/04/2026 17:00",
            "write the year first (2026-04-03 for 3 April) or the day first with dots (03.04.2026)",
        ),
        ("31.12.26", "write the year in full"),
        ("2026-02-30", "day 30 of month 2 does not exist"),
        ("2026-12-31 25:00", "not a time of day"),
        ("2026-12-31 13:00 PM", "with AM or PM the hour is 1 to 12"),
        ("2026-12-31 17", "with its minutes"),
        ("2026-03-29 02:30", "does not happen in Europe/Berlin"),  # the clocks skip it
        (
            "next Friday",
            "write it like 2026-12-31 17:00, 31.12.2026 17:00 or 2026-12-31 (the end of that day)",
        ),
        ("", "give a date"),
    ],
)
def test_refuses_what_it_cannot_read_for_sure_saying_how_to_write_it(text, says) -> None:
    with pytest.raises(Invalid) as refused:
        deadlines.read(text, BERLIN)
    assert says in str(refused.value)


def test_an_unknown_time_zone_is_named() -> None:
    with pytest.raises(Invalid, match="the time zone 'Mars/Olympus' is not known"):
        deadlines.read("2026-12-31", "Mars/Olympus")


def test_reads_a_candidates_deadline_in_their_interviews_zone(db, template) -> None:
    interview_id = interviews.create(db, dataclasses.replace(template, time_zone="America/New_York"), "t")
    assert deadlines.of_interview(db, interview_id, "2026-12-31 17:00") == datetime(
        2026, 12, 31, 22, tzinfo=UTC
    )
    assert deadlines.of_interview(db, interview_id, "  ") is None
