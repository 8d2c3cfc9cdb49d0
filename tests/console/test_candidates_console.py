"""The Candidates screen says what happened in the operator's terms: a resend refused while the first invitation
still waits in the outbox says it is queued, not sent; the erase dialog takes ERASE as typed, in any case."""

from __future__ import annotations

from textual.widgets import DataTable

from boxinterview.domain import invitations
from boxinterview.mail.letters import Letterhead
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.widgets.dialogs import TypedConfirm
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
        assert "was queued 1 minutes ago and is not sent yet" in notified(app)
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
    [(inv, person)] = invitations.listing(db, open_interview.id)
    assert not person.email  # erased
