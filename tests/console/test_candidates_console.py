"""The Candidates screen says what happened in the operator's terms: a resend refused while the first invitation
still waits in the outbox says it is queued, not sent; the erase dialog takes ERASE as typed, in any case; a refused
dialog comes back on the field the refusal is about."""

from __future__ import annotations

from textual.widgets import DataTable

from boxinterview.domain import invitations
from boxinterview.errors import Invalid
from boxinterview.mail.letters import Letterhead
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.widgets.dialogs import Field, Form, Message, TypedConfirm, field_of_problem
from tests.console.test_console import DEADLINE, screen_lines, type_into, until


def notified(app: ConsoleApp) -> str:
    return " ".join(n.message for n in app._notifications)


async def candidates_of(app: ConsoleApp, pilot, interview_id: int, count: int) -> DataTable:
    await pilot.press("3")
    await until(pilot, lambda: app.current_mode == "candidates" and app.screen.query("#candidates"))
    await pilot.pause(0.2)
    app.show_candidates(interview_id)
    table = app.screen.query_one("#candidates", DataTable)
    await until(pilot, lambda: table.row_count == count)
    table.focus()
    return table


async def test_a_resend_while_the_invitation_is_still_queued_says_queued(
    db, settings, open_interview
) -> None:
    invitations.invite(
        db,
        open_interview.id,
        "Ann Example",
        "ann@example.com",
        "t",
        deadline=DEADLINE,
        letterhead=Letterhead.from_settings(settings),
    )  # no mail server: the invitation stays in the outbox
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await candidates_of(app, pilot, open_interview.id, 1)
        await pilot.press("s")
        await until(pilot, lambda: "wait an hour" in notified(app))
        assert "was queued 1 minute ago and is not sent yet" in notified(app)
        assert "was sent" not in notified(app)


async def test_erase_takes_the_word_in_any_case_and_says_what_to_type(db, settings, open_interview) -> None:
    invitations.invite(db, open_interview.id, "Ann Example", "ann@example.com", "t", deadline=DEADLINE)
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await candidates_of(app, pilot, open_interview.id, 1)
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, TypedConfirm))
        await type_into(pilot, "#typed", "eras")
        await pilot.press("enter")
        await until(pilot, lambda: "Type ERASE to erase, or press Escape" in " ".join(screen_lines(app)))
        assert isinstance(app.screen, TypedConfirm)
        await type_into(pilot, "#typed", " erase ")
        await pilot.press("enter")
        await until(pilot, lambda: "Erased:" in notified(app))
        # Shown and counted as erased, not as where the candidate had got to
        await until(pilot, lambda: "1 candidate(s): 1 erased" in " ".join(screen_lines(app)))
    [(inv, person)] = invitations.listing(db, open_interview.id)
    assert not person.email  # erased


async def test_a_refused_invitation_opens_on_the_field_at_fault(db, settings, open_interview) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await candidates_of(app, pilot, open_interview.id, 0)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, Form))
        await type_into(pilot, "#field-deadline", "03/04/2031")  # ambiguous: day or month first
        await type_into(pilot, "#field-name", "Ann Example")
        await type_into(pilot, "#field-email", "ann@example.com")
        await pilot.press("enter")
        await until(pilot, lambda: "could be" in problem_of(app))
        await until(pilot, lambda: focused_field(app) == "field-deadline")
        await pilot.press("ctrl+u", *"2031-04-03")  # the operator's next keys go where the problem is
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Message))
    [(inv, person)] = invitations.listing(db, open_interview.id)
    assert person.name == "Ann Example" and inv.deadline.date().isoformat() == "2031-04-03"


async def test_a_refused_token_opens_on_the_scopes_and_else_on_the_field_edited_last(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("k")
        await until(pilot, lambda: app.current_mode == "tokens")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, Form))
        await type_into(pilot, "#field-scopes", "reed")
        await type_into(pilot, "#field-name", "ATS")
        await pilot.press("enter")
        await until(pilot, lambda: "unknown scope" in problem_of(app))
        await until(pilot, lambda: focused_field(app) == "field-scopes")
    fields = [Field("name", "Name"), Field("email", "E-mail"), Field("deadline", "Deadline")]
    assert field_of_problem(fields, Invalid("no good", [("email", "invalid")])) == "email"
    assert field_of_problem(fields, "'x' is not an e-mail address") == "email"
    assert field_of_problem(fields, "something else went wrong") == ""  # then the field edited last


def problem_of(app: ConsoleApp) -> str:
    found = app.screen.query("#problem")
    return str(found.first().render()) if found else ""


def focused_field(app: ConsoleApp) -> str:
    return app.screen.focused.id if app.screen.focused is not None else ""


async def test_a_refusal_that_names_no_field_opens_on_the_field_edited_last(db, settings) -> None:
    fields = [Field("name", "Name"), Field("email", "E-mail"), Field("deadline", "Deadline")]
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        answers: list[dict[str, str] | None] = []
        app.push_screen(Form("Invite", fields), answers.append)
        await until(pilot, lambda: isinstance(app.screen, Form) and app.screen.query("#field-email"))
        await type_into(pilot, "#field-email", "ann@example.com")
        await type_into(pilot, "#field-name", "Ann")
        await pilot.press("enter")
        await until(pilot, lambda: answers)
        app.push_screen(Form("Invite", fields, problem="the server is busy", values=answers[0]))
        await until(pilot, lambda: isinstance(app.screen, Form))
        await until(pilot, lambda: focused_field(app) == "field-name")
