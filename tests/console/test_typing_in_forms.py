"""What an operator types goes into the field in front of them: the interview editor opens on its title, a `q` or
`?` typed into any field of any form or dialog is a letter (never Quit or Help), and a refused change is seen
and keeps what was typed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from textual.widgets import Input, Static, TextArea

from boxinterview.domain import interviews, invitations
from boxinterview.domain.models import InterviewStatus
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.screens.editor import EditorScreen
from boxinterview.tui.widgets.dialogs import Form
from tests.console.test_console import DEADLINE, screen_lines, type_into, until


async def typed_q_stays_in_each_field(app, pilot) -> int:
    """Type q and ? into every input and text area of the screen on top; returns how many there were."""
    screen = app.screen
    fields = [w for w in screen.query("Input, TextArea") if w.display and not w.disabled]
    for field in fields:
        field.focus()
        await pilot.pause()
        await pilot.press("q", "question_mark")
        await pilot.pause()
        assert app.is_running and app.screen is screen, field.id
        value = field.text if isinstance(field, TextArea) else field.value
        assert "q?" in value, (field.id, value)
    return len(fields)


async def test_the_editor_opens_on_its_title_and_q_is_a_letter_in_every_field(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        await pilot.pause()
        await pilot.press(*"quality lead")  # typed at once, without choosing a field
        assert app.is_running and isinstance(app.screen, EditorScreen)
        assert app.screen.query_one("#title", Input).value == "quality lead"
        assert await typed_q_stays_in_each_field(app, pilot) >= 9
        editor = app.screen
        editor.query_one("#competencies").focus()
        await pilot.press("ctrl+n")  # the competency form
        await until(pilot, lambda: isinstance(app.screen, Form))
        assert await typed_q_stays_in_each_field(app, pilot) == 7
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is editor)
        editor.query_one("#questions").focus()
        await pilot.press("ctrl+n")  # the question dialog
        await until(pilot, lambda: app.screen.query("#prompt"))
        assert await typed_q_stays_in_each_field(app, pilot) >= 3
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is editor)
        assert app.is_running


async def test_q_is_a_letter_in_the_candidates_dialogs_and_the_csv_import(
    db, settings, open_interview
) -> None:
    invitations.invite(db, open_interview.id, "Ann Example", "ann@example.com", "t", deadline=DEADLINE)
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        app.show_candidates(open_interview.id)
        await pilot.pause(0.3)
        for key in ("i", "x", "a"):  # invite, more time, accommodation
            await pilot.press(key)
            await until(pilot, lambda: isinstance(app.screen, Form))
            assert await typed_q_stays_in_each_field(app, pilot) >= 1
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, Form))
        await pilot.press("m")
        await until(pilot, lambda: app.screen.query("#path"))
        assert await typed_q_stays_in_each_field(app, pilot) == 2
    assert app.return_code is None or app.return_code == 0


async def test_q_is_a_letter_in_the_audit_search(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("7")
        await until(pilot, lambda: app.screen.query("#search"))
        await pilot.press("slash")
        assert await typed_q_stays_in_each_field(app, pilot) == 1


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_refused_save_is_in_sight_at_any_size(db, settings, size) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("2", "n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        await type_into(pilot, "#title", "Nothing asked yet")
        await type_into(pilot, "#role", "Driver")
        await pilot.press("ctrl+s")
        problems = app.screen.query_one("#problems", Static)
        await until(pilot, lambda: "at least one question" in str(problems.render()))
        await pilot.pause(0.3)
        shown = " ".join(" ".join(screen_lines(app)).split())
        assert "questions: an interview needs at least one question" in shown
        assert problems.region.bottom <= size[1] and problems.region.height > 0  # scrolled into sight
        assert isinstance(app.screen, EditorScreen)
    assert interviews.summaries(db) == []


async def test_more_time_keeps_the_dialog_open_on_a_refusal_and_reads_the_interviews_zone(
    db, settings, template
) -> None:
    interview_id = interviews.create(db, dataclasses.replace(template, time_zone="Europe/Berlin"), "t")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "t")
    inv, _ = invitations.invite(db, interview_id, "Ann Example", "ann@example.com", "t", deadline=DEADLINE)
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        app.show_candidates(interview_id)
        await pilot.pause(0.3)
        await pilot.press("x")
        await until(pilot, lambda: app.screen.query("#field-deadline"))
        assert (
            app.screen.query_one("#field-deadline", Input).value == "2031-01-31 18:00"
        )  # as Berlin reads it
        assert "New deadline (now 2031-01-31 18:00 Europe/Berlin)" in " ".join(screen_lines(app))
        await type_into(pilot, "#field-deadline", "03.04.2031 17:00x")
        await pilot.press("enter")
        await until(pilot, lambda: "is not a date this reads" in str(problem(app)))
        assert isinstance(app.screen, Form)
        assert app.screen.query_one("#field-deadline", Input).value == "03.04.2031 17:00x"  # kept as typed
        await type_into(pilot, "#field-deadline", "03/04/2031")
        await pilot.press("enter")
        await until(pilot, lambda: "could be 3 April or 4 March" in str(problem(app)))
        await type_into(pilot, "#field-deadline", "2031-01-01")  # sooner than now: refused by the core
        await pilot.press("enter")
        await until(pilot, lambda: "is not later than the current one" in str(problem(app)))
        await type_into(pilot, "#field-deadline", "31.12.2031")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, Form))
        await until(pilot, lambda: invitations.get(db, inv.id).deadline != DEADLINE)
    # the end of that day in Berlin (UTC+1 in winter)
    assert invitations.get(db, inv.id).deadline == datetime(2031, 12, 31, 22, 59, tzinfo=UTC)


async def test_an_invitation_deadline_without_a_zone_is_the_interviews(db, settings, template) -> None:
    interview_id = interviews.create(db, dataclasses.replace(template, time_zone="America/New_York"), "t")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "t")
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        app.show_candidates(interview_id)
        await pilot.pause(0.3)
        await pilot.press("i")
        await until(pilot, lambda: app.screen.query("#field-name"))
        await type_into(pilot, "#field-name", "Bo Example")
        await type_into(pilot, "#field-email", "bo@example.com")
        await type_into(pilot, "#field-deadline", "12/31/2031 5:00 PM")
        await pilot.press("enter")
        await until(pilot, lambda: invitations.listing(db, interview_id) != [])
    [(inv, _)] = invitations.listing(db, interview_id)
    assert inv.deadline == datetime(2031, 12, 31, 22, 0, tzinfo=UTC)


def problem(app) -> str:
    found = app.screen.query("#problem")
    return str(found.first().render()) if found else ""
