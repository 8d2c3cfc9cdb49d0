"""Messages: what the outbox holds, queued, sent or refused (with the server's reply), and each one in full —
so with no SMTP server a small firm can still send invitations by hand."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from boxinterview.mail import outbox
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.dialogs import Message
from boxinterview.tui.widgets.plain_table import PlainTable

REFRESH_SECONDS = 2.0


class OutboxScreen(ConsoleScreen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="counts", classes="section")
        table = PlainTable(id="outbox", cursor_type="row", zebra_stripes=True)
        table.add_columns("ID", "State", "Kind", "To", "Subject", "Reply or sent at")
        yield table
        yield Static("Enter shows a message in full (c copies it)", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.set_interval(REFRESH_SECONDS, self.load)

    def load(self) -> None:
        self.read(lambda: outbox.overview(self.db), self.show, group="load")

    def show(self, found: tuple[dict[str, int], list[dict[str, Any]]]) -> None:
        counts, recent = found
        smtp = self.settings.smtp.host
        note = "" if smtp else " · no SMTP server is configured: send queued invitations by hand"
        self.query_one("#counts", Static).update(
            Content(" · ".join(f"{n} {s}" for s, n in counts.items()) + note)
        )
        table = self.query_one("#outbox", DataTable)
        keep = table.cursor_row
        table.clear()
        for m in recent:
            table.add_row(
                str(m["id"]),
                m["state"],
                m["kind"],
                m["recipient"],
                m["subject"][:40],
                (m["last_error"] or m["sent_at"] or "")[:40],
                key=str(m["id"]),
            )
        if recent:
            table.move_cursor(row=min(keep, len(recent) - 1))

    @on(DataTable.RowSelected, "#outbox")
    def open_message(self, event: DataTable.RowSelected) -> None:
        message_id = int(str(event.row_key.value))
        self.read(lambda: outbox.message(self.db, message_id), self.show_message, group="message")

    def show_message(self, m: dict[str, Any]) -> None:
        text = f"To: {m['recipient']}\nSubject: {m['subject']}\nState: {m['state']} {m['last_error']}\n\n{m['body']}"
        self.app.push_screen(Message(f"Message {m['id']}", text, copy=m["body"]))
