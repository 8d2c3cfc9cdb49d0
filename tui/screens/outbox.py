"""Messages: what the outbox holds, queued, sent or refused (with the server's reply), and each one in full —
so with no SMTP server a small firm can still send invitations by hand."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from boxinterview.mail import outbox
from boxinterview.tui.widgets.dialogs import Message
from boxinterview.tui.widgets.plain_table import PlainTable

REFRESH_SECONDS = 2.0


class OutboxScreen(Screen[None]):
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

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        counts, recent = outbox.overview(self.app.db)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show, counts, recent)

    def show(self, counts: dict[str, int], recent: list[dict]) -> None:  # type: ignore[type-arg]
        smtp = self.app.settings.smtp.host  # type: ignore[attr-defined]
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
        self.fetch(int(str(event.row_key.value)))

    @work(thread=True)
    def fetch(self, message_id: int) -> None:
        m = outbox.message(self.app.db, message_id)  # type: ignore[attr-defined]
        text = f"To: {m['recipient']}\nSubject: {m['subject']}\nState: {m['state']} {m['last_error']}\n\n{m['body']}"
        self.app.call_from_thread(
            self.app.push_screen, Message(f"Message {message_id}", text, copy=m["body"])
        )
