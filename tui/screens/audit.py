"""The audit log, newest first, searchable: who viewed, scored, decided, invited, erased, backed up."""

from __future__ import annotations

import json

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input

from boxinterview.domain import audit
from boxinterview.domain.models import AuditEntry
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.plain_table import PlainTable


class AuditScreen(ConsoleScreen[None]):
    AUTO_FOCUS = "#audit"  # keys go to the log; / goes to the search
    BINDINGS = [Binding("slash", "search_box", "Search")]

    def action_search_box(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Submitted, "#search")
    def back_to_log(self) -> None:
        self.query_one("#audit", DataTable).focus()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="/ to search the actor, action or detail (e.g. decision, reviewer:3, erase)",
            id="search",
        )
        table = PlainTable(id="audit", cursor_type="row", zebra_stripes=True)
        table.add_columns("When (UTC)", "Who", "What", "Subject", "Detail")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.search_for("")

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        self.search_for(self.query_one("#search", Input).value)

    @on(Input.Changed, "#search")
    def search(self, event: Input.Changed) -> None:
        self.search_for(event.value)

    def search_for(self, text: str) -> None:
        self.read(lambda: audit.search(self.db, text, 500), self.show, group="load")

    def show(self, found: list[AuditEntry]) -> None:
        table = self.query_one("#audit", DataTable)
        table.clear()
        for e in found:
            subject = f"{e.subject_type} {e.subject_id}" if e.subject_id is not None else e.subject_type
            table.add_row(
                f"{e.at:%Y-%m-%d %H:%M:%S}",
                e.actor,
                e.action,
                subject,
                json.dumps(e.detail)[:60] if e.detail else "",
            )
