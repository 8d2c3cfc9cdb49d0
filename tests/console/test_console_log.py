"""Log records made while the console runs (SQLite's warnings among them) go to data_dir/console.log, never over
the console's screen; once it closes, logging goes where it went before."""

from __future__ import annotations

import io
import logging

from boxinterview.tui.app import ConsoleApp
from tests.console.test_console import until


async def test_log_records_go_to_the_console_log_not_the_terminal(db, settings) -> None:
    terminal = io.StringIO()
    to_terminal = logging.StreamHandler(terminal)
    root = logging.getLogger()
    root.addHandler(to_terminal)
    try:
        app = ConsoleApp(settings, db)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("2")
            await until(pilot, lambda: app.current_mode == "interviews")
            logging.getLogger().warning("SQLITE_LOG: automatic index on candidates(email) (284)")
            await pilot.pause()
        assert terminal.getvalue() == ""
        written = (settings.data_dir / "console.log").read_text()
        assert "WARNING root: SQLITE_LOG: automatic index on candidates(email) (284)" in written
        assert to_terminal in root.handlers  # back as it was
        logging.getLogger().warning("after the console")
        assert "after the console" in terminal.getvalue()
    finally:
        root.removeHandler(to_terminal)
