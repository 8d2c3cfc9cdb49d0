"""The operator console shows live data from the store."""

from __future__ import annotations

from textual.widgets import DataTable

from boxinterview.domain import interviews
from boxinterview.tui.app import ConsoleApp


async def test_console_lists_interviews_and_refreshes(db, settings, open_interview, template) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause(0.3)
        table = app.query_one("#interviews", DataTable)
        assert table.row_count == 1
        assert table.get_row_at(0)[-1] == open_interview.title
        interviews.create(db, template, "test")  # as if another process added one
        await pilot.press("r")
        await pilot.pause(0.3)
        assert table.row_count == 2
        await pilot.press("q")
