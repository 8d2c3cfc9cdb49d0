"""The console's webhook screen, driven with Textual's pilot: endpoints and the delivery log as the worker left
them, sending a delivery again and disabling an endpoint, each audited."""

from __future__ import annotations

from textual.widgets import DataTable

from boxinterview import clock
from boxinterview.domain import webhooks
from boxinterview.store import webhooks as webhooks_sql
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.screens.help import HelpScreen
from boxinterview.tui.widgets.dialogs import Confirm
from tests.console.test_console import screen_lines, until
from tests.console.test_console_markup import shows


def _failed(con, delivery_id: int) -> None:
    webhooks_sql.failed(con, delivery_id, 503, "gave up after 10 attempts; the last: 503 Service Unavailable")


async def test_the_webhook_screen_lists_endpoints_and_deliveries_and_sends_again(db, settings) -> None:
    webhooks.add(db, "https://ats.example.com/hooks", ["interview.completed"], "ATS", "t")
    db.write(webhooks.invitation_event, "interview.completed", 3, clock.now())
    [delivery] = webhooks.deliveries(db)
    db.write(_failed, delivery.id)
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("0")
        endpoints = app.screen.query_one("#endpoints", DataTable)
        log = app.screen.query_one("#deliveries", DataTable)
        await until(pilot, lambda: endpoints.row_count == 1 and log.row_count == 1)
        assert [str(c) for c in endpoints.get_row_at(0)][:4] == [
            "1",
            "enabled",
            "https://ats.example.com/hooks",
            "interview.completed",
        ]
        row = [str(c) for c in log.get_row_at(0)]
        assert row[1:5] == ["interview.completed", "1", "failed", "0"]
        assert row[5].startswith("503 gave up after 10 attempts")
        # painted whole, each column as wide as its longest text
        await shows(pilot, "https://ats.example.com/hooks", "503 gave up after 10 attempts; the last: 503")
        log.focus()
        await pilot.press("enter")  # Enter asks first: nothing goes to the other system by a stray key
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "Send delivery 1 (interview.completed, now failed) to endpoint 1 again?" in " ".join(
            screen_lines(app)
        )
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, Confirm))
        await pilot.pause(0.3)
        assert webhooks.deliveries(db)[0].state == "failed"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.click("#yes")
        await until(pilot, lambda: webhooks.deliveries(db)[0].state == "queued")
        await until(pilot, lambda: str(log.get_row_at(0)[3]) == "queued" and str(log.get_row_at(0)[6]) != "")
        endpoints.focus()
        await pilot.press("x")
        await until(pilot, lambda: not webhooks.endpoints(db)[0].enabled)
        await until(
            pilot, lambda: str(endpoints.get_row_at(0)[1]).startswith("disabled: disabled in the console")
        )
        assert webhooks.deliveries(db)[0].state == "cancelled"
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
    actions = db.read(
        lambda con: [
            a for (a,) in con.execute("SELECT action FROM audit_log WHERE actor = 'console' ORDER BY id")
        ]
    )
    assert actions == ["webhook.resend", "webhook.disable"]
