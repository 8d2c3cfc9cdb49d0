"""Webhooks: the endpoints an applicant tracking system listens on, and the delivery log (state, attempts, the
last answer or error, the next attempt), with "send again" — the same core services as `boxinterview webhook`."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from boxinterview.domain import webhooks
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.dialogs import Confirm
from boxinterview.tui.widgets.plain_table import PlainTable

REFRESH_SECONDS = 2.0
ACTOR = "console"


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment else ""


class WebhooksScreen(ConsoleScreen[None]):
    BINDINGS = [
        Binding("s", "send_again", "Send again"),
        Binding("x", "switch_endpoint", "Disable/enable endpoint"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.endpoints: list[webhooks.Endpoint] = []
        self.sent: list[webhooks.Delivery] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Endpoints", classes="section")
        table = PlainTable(id="endpoints", cursor_type="row", zebra_stripes=True)
        table.add_columns("ID", "State", "URL", "Events", "Queued", "Failed")
        yield table
        yield Static("Deliveries (newest first)", classes="section")
        log = PlainTable(id="deliveries", cursor_type="row", zebra_stripes=True)
        log.add_columns("ID", "Event", "To", "State", "Attempts", "Last answer", "Next attempt (UTC)")
        yield log
        yield Static(
            "s sends the chosen delivery again · x disables or enables the chosen endpoint · "
            "`boxinterview webhook add URL` adds one",
            id="status",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.set_interval(REFRESH_SECONDS, self.load)

    def load(self) -> None:
        self.read(
            lambda: (webhooks.endpoints(self.db), webhooks.deliveries(self.db)), self.show, group="load"
        )

    def show(self, found: tuple[list[webhooks.Endpoint], list[webhooks.Delivery]]) -> None:
        self.endpoints, self.sent = found
        table = self.query_one("#endpoints", DataTable)
        keep = table.cursor_row
        table.clear()
        for e in self.endpoints:
            state = "enabled" if e.enabled else f"disabled: {e.disabled_reason}"
            table.add_row(
                str(e.id),
                Content(state[:50]),
                Content(e.url),
                Content(e.events_text),
                str(e.queued),
                str(e.failed),
            )
        if self.endpoints:
            table.move_cursor(row=min(keep, len(self.endpoints) - 1))
        log = self.query_one("#deliveries", DataTable)
        keep = log.cursor_row
        log.clear()
        for d in self.sent:
            answer = str(d.last_status) if d.last_status is not None else ""
            if d.last_error:
                answer = f"{answer} {d.last_error}".strip()
            log.add_row(
                str(d.id),
                d.type,
                str(d.endpoint_id),
                d.state,
                str(d.attempts),
                Content(answer[:60]),
                _when(d.next_attempt_at),
            )
        if self.sent:
            log.move_cursor(row=min(keep, len(self.sent) - 1))

    def _chosen_delivery(self) -> webhooks.Delivery | None:
        if not self.sent:
            return None
        return self.sent[self.query_one("#deliveries", DataTable).cursor_row]

    def action_send_again(self, chosen: webhooks.Delivery | None = None) -> None:
        chosen = chosen or self._chosen_delivery()
        if chosen is None:
            self.notify("No delivery to send again", severity="warning")
            return
        self.act(
            lambda: webhooks.send_again(self.db, chosen.id, ACTOR),
            lambda d: self.notify(f"Delivery {d.id} ({d.message_id}) will be sent again now"),
        )

    def action_switch_endpoint(self) -> None:
        if not self.endpoints:
            self.notify("No endpoint yet: add one with `boxinterview webhook add URL`", severity="warning")
            return
        chosen = self.endpoints[self.query_one("#endpoints", DataTable).cursor_row]
        enable = not chosen.enabled
        self.act(
            lambda: webhooks.set_enabled(self.db, chosen.id, enable, ACTOR, "disabled in the console"),
            lambda _: self.notify(f"Endpoint {chosen.id} {'enabled' if enable else 'disabled'}"),
        )

    @on(DataTable.RowSelected, "#deliveries")
    def send_selected(self, _: DataTable.RowSelected) -> None:
        """Enter is pressed to look as often as to act: it asks before sending anything to another system."""
        chosen = self._chosen_delivery()
        if chosen is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.action_send_again(chosen)

        self.app.push_screen(
            Confirm(
                f"Send delivery {chosen.id} ({chosen.type}, now {chosen.state}) to endpoint {chosen.endpoint_id} "
                "again?",
                yes="Send again",
            ),
            answer,
        )
