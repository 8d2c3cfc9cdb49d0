"""API tokens from the console: made with their scopes and shown once, listed without the token, revoked."""

from __future__ import annotations

from textual.widgets import DataTable

from boxinterview.domain import api
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.widgets.dialogs import Confirm, Form, Message
from tests.console.test_console import type_into, until


async def test_a_token_is_made_with_its_scopes_shown_once_and_revoked(db, settings) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("k")
        table = app.screen.query_one("#tokens", DataTable)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, Form))
        await type_into(pilot, "#field-name", "ATS Müller")
        await type_into(pilot, "#field-scopes", "read, sideways")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Form) and "sideways" in app.screen.problem)
        await type_into(pilot, "#field-scopes", "read,invite")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Message))
        token = app.screen.copy
        caller = api.check_token(db, token)
        assert caller is not None and caller.name == "ATS Müller" and caller.scopes == {"read", "invite"}
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 1)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[:3] == ["ATS Müller", "read, invite", "active"] and token not in " ".join(row)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.click("#yes")
        await until(pilot, lambda: "revoked" in str(table.get_row_at(0)[2]))
    assert api.check_token(db, token) is None
