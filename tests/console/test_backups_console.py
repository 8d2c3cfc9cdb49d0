"""The Backups screen says how things stand now: after a backup its line under the list counts it, and the ages
grow as time passes, as the dashboard's do."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Static

from boxinterview import clock
from boxinterview.tui.app import ConsoleApp
from tests.console.test_console import until


async def test_the_status_and_ages_follow_a_backup_and_the_clock(
    db, settings, open_interview, monkeypatch
) -> None:
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("5")
        status = app.screen.query_one("#status", Static)
        await until(pilot, lambda: "No backups yet" in str(status.render()))
        await pilot.press("b")
        table = app.screen.query_one("#backups", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        await until(pilot, lambda: "1 backup(s), the newest" in str(status.render()))
        assert "No backups yet" not in str(status.render())
        later = clock.now() + timedelta(minutes=5)
        monkeypatch.setattr(clock, "now", lambda: later)
        await until(pilot, lambda: str(table.get_row_at(0)[1]) == "5 min", timeout=5)
        await until(pilot, lambda: "the newest 5 min old" in str(status.render()), timeout=5)
