"""The Backups screen says how things stand now: after a backup its line under the list counts it, and the ages
grow as time passes, as the dashboard's do. After a restore the console closes, since the database it holds open
is the one moved aside, and says to start it again."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Static

from boxinterview import clock
from boxinterview.ops import backup
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.app import run as console_run
from boxinterview.tui.widgets.dialogs import TypedConfirm
from tests.console.test_console import type_into, until


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


async def test_after_a_restore_the_console_closes_and_says_to_start_it_again(
    db, settings, open_interview, monkeypatch
) -> None:
    from boxinterview.tui.screens.backups import BackupsScreen

    # Whatever else listens on the configured port on this machine is not this data directory's server.
    monkeypatch.setattr(BackupsScreen, "server_running", lambda self: False)
    made = backup.run_and_record(db, settings, "test")
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("5")
        table = app.screen.query_one("#backups", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        table.focus()
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, TypedConfirm))
        await type_into(pilot, "#typed", made.name)
        await pilot.press("enter")
        # Its database connection is to the file the restore moved aside: nothing more may be written there.
        await until(pilot, lambda: not app.is_running, timeout=30)
    assert app.return_code == 0
    assert f"Restored backup {made.name}" in app.farewell and "boxinterview console" in app.farewell
    [aside] = settings.data_dir.glob(".replaced-*")
    assert str(aside) in app.farewell and (aside / "boxinterview.db").exists()


def test_the_farewell_is_printed_once_the_console_has_closed(db, settings, monkeypatch, capsys) -> None:
    def run(self: ConsoleApp) -> None:
        self.farewell = "Restored backup x; start it again"

    monkeypatch.setattr(ConsoleApp, "run", run)
    assert console_run(settings) == 0
    assert "Restored backup x; start it again" in capsys.readouterr().out
