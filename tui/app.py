"""The console application. Screens call core services in workers, so the interface never waits on disk."""

from __future__ import annotations

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from boxinterview.config import Settings
from boxinterview.domain import interviews
from boxinterview.domain.models import InterviewSummary
from boxinterview.store import Database

REFRESH_SECONDS = 2.0


class ConsoleApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "boxinterview"
    BINDINGS = [
        Binding("r", "refresh", "Refresh"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, settings: Settings, db: Database) -> None:
        super().__init__()
        self.settings = settings
        self.db = db
        self.sub_title = f"{settings.organisation.name} · {settings.base_url}"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Interviews", id="heading")
        table: DataTable[str] = DataTable(id="interviews", cursor_type="row", zebra_stripes=True)
        table.add_columns("ID", "Status", "Ver", "Questions", "Invited", "Started", "Completed", "Title")
        yield table
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()
        self.set_interval(REFRESH_SECONDS, self.action_refresh)

    def action_refresh(self) -> None:
        self.load_interviews()

    @work(thread=True, exclusive=True, group="interviews")
    def load_interviews(self) -> None:
        rows = interviews.summaries(self.db)
        self.call_from_thread(self.show_interviews, rows)

    def show_interviews(self, rows: list[InterviewSummary]) -> None:
        table = self.query_one("#interviews", DataTable)
        selected = table.cursor_row
        table.clear()
        for s in rows:
            table.add_row(
                str(s.id),
                s.status.value,
                str(s.version),
                str(s.questions),
                str(s.invited),
                str(s.started),
                str(s.completed),
                s.title,
                key=str(s.id),
            )
        if rows:
            table.move_cursor(row=min(selected, len(rows) - 1))
        status = self.query_one("#status", Static)
        status.update(
            f"{len(rows)} interview(s) · data in {self.settings.data_dir}"
            if rows
            else "No interviews yet: import one with `boxinterview interview import FILE.yaml`."
        )


def run(settings: Settings) -> int:
    db = Database.open(settings.database_path, settings.store.busy_timeout_ms, settings.store.readers)
    try:
        ConsoleApp(settings, db).run()
    finally:
        db.close()
    return 0
