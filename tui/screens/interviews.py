"""Every interview with its candidates' progress; create, change, preview, duplicate, open and close."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from boxinterview.domain import interviews
from boxinterview.domain.models import Interview, InterviewStatus, InterviewSummary
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.plain_table import PlainTable

REFRESH_SECONDS = 2.0


class InterviewsScreen(ConsoleScreen[None]):
    BINDINGS = [
        Binding("n", "new", "New"),
        Binding("e", "edit", "Edit"),
        Binding("v", "preview", "Preview", show=False),
        Binding("u", "duplicate", "Duplicate", show=False),
        Binding("o", "status('open')", "Open"),
        Binding("x", "status('closed')", "Close"),
        Binding("c", "candidates", "Candidates"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Interviews", classes="section")
        table = PlainTable(id="interviews", cursor_type="row", zebra_stripes=True)
        table.add_columns("ID", "Status", "Ver", "Qs", "Invited", "Started", "Done", "Title")
        yield table
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.set_interval(REFRESH_SECONDS, self.load)

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        self.read(lambda: interviews.summaries(self.db), self.show, group="interviews")

    def show(self, rows: list[InterviewSummary]) -> None:
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
        self.query_one("#status", Static).update(
            f"{len(rows)} interview(s) · n new · Enter or e edits · c candidates"
            if rows
            else "No interviews yet: press n to create one (or `boxinterview interview import FILE.yaml`)."
        )

    def selected(self) -> int | None:
        table = self.query_one("#interviews", DataTable)
        if table.row_count == 0:
            return None
        return int(str(table.get_row_at(table.cursor_row)[0]))

    def action_new(self) -> None:
        from boxinterview.tui.screens.editor import EditorScreen

        self.app.push_screen(EditorScreen(), lambda _saved: self.load())

    @on(DataTable.RowSelected, "#interviews")
    def chosen(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        interview_id = self.selected()
        if interview_id is not None:
            self.read(lambda: interviews.get(self.db, interview_id), self.open_editor, group="open")

    def open_editor(self, iv: Interview) -> None:
        from boxinterview.tui.screens.editor import EditorScreen

        self.app.push_screen(EditorScreen(iv), lambda _saved: self.load())

    def action_preview(self) -> None:
        interview_id = self.selected()
        if interview_id is not None:
            self.read(lambda: interviews.get(self.db, interview_id), self.open_preview, group="open")

    def open_preview(self, iv: Interview) -> None:
        from boxinterview.tui.screens.preview import PreviewScreen

        self.app.push_screen(PreviewScreen(iv))

    def action_duplicate(self) -> None:
        interview_id = self.selected()
        if interview_id is not None:
            self.act(
                lambda: interviews.duplicate(self.db, interview_id, "console"),
                lambda new: self.notify(f"Interview {interview_id} copied into a new draft, {new}"),
            )

    def action_status(self, status: str) -> None:
        interview_id = self.selected()
        if interview_id is not None:
            self.act(
                lambda: interviews.set_status(self.db, interview_id, InterviewStatus(status), "console"),
                lambda _: self.notify(f"Interview {interview_id} is now {status}"),
            )

    def action_candidates(self) -> None:
        interview_id = self.selected()
        if interview_id is not None:
            self.app.show_candidates(interview_id)
