"""Invite from a CSV file: read, check every row and show what is wrong before anything is written."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

from boxinterview.domain import invite_csv
from boxinterview.errors import BoxError
from boxinterview.mail.letters import Letterhead
from boxinterview.tui.format import marked
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.plain_table import PlainTable

PROBLEM_WIDTH = 40


def _verdict(row: invite_csv.Row) -> str:
    return "; ".join(row.problems) or "; ".join(("ok", *row.notes))


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class ImportScreen(ConsoleScreen[int]):
    """Dismisses with how many candidates were invited."""

    CSS_PATH = "csv_import.tcss"
    BINDINGS = [Binding("escape", "leave", "Back")]

    def __init__(self, interview_id: int) -> None:
        super().__init__()
        self.interview_id = interview_id
        self.rows: list[invite_csv.Row] = []
        # The (path, encoding) the rows shown were read with: Invite acts on them only while the fields say so.
        self.checked: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(
            f"CSV file for interview {self.interview_id} (columns: name or first and last name, email; "
            "optional deadline, extra_time)"
        )
        with Horizontal(classes="file"):
            yield Input(placeholder="/home/you/candidates.csv", id="path")
            yield Input(placeholder="encoding: detect", id="encoding")
        yield Static("", id="summary")
        table = PlainTable(id="rows", zebra_stripes=True, cursor_type="row")
        # What is wrong comes first, so it is in sight at 80 columns; the line under the table has it in full.
        table.add_columns("Line", "Problem", "Name", "E-mail", "Deadline", "Extra")
        yield table
        yield Static("", id="detail", markup=False)
        with Horizontal(classes="buttons"):
            yield Button("Check the file", id="check", variant="default")
            yield Button("Invite the good rows", id="invite", variant="primary", disabled=True)
        yield Footer()

    def typed(self) -> tuple[str, str]:
        return self.query_one("#path", Input).value.strip(), self.query_one("#encoding", Input).value.strip()

    @on(Input.Changed)
    def file_changed(self) -> None:
        """Another path or encoding is another file to check: the rows of the last one go, and Invite with them."""
        if self.checked is not None and self.typed() != self.checked:
            self.problem(
                "The file or encoding has changed: press Enter (or Check the file) to check it again"
            )

    @on(Input.Submitted)
    @on(Button.Pressed, "#check")
    def check(self) -> None:
        path, encoding = self.typed()

        def preview() -> invite_csv.Preview:
            data = Path(path).expanduser().read_bytes()
            return invite_csv.preview(self.db, self.interview_id, data, encoding=encoding or None)

        def unreadable(exc: Exception) -> None:
            if isinstance(exc, FileNotFoundError):
                self.problem(f"There is no file {path}")
            elif isinstance(exc, IsADirectoryError):
                self.problem(f"{path} is a folder; give the path of the CSV file in it")
            else:
                self.problem(str(exc))

        def show(found: invite_csv.Preview) -> None:
            if self.typed() == (path, encoding):  # not changed again while it was read
                self.checked = (path, encoding)
                self.show(found)

        self.read(preview, show, unreadable, group="read", refusals=(BoxError, OSError))

    def problem(self, text: str) -> None:
        self.rows = []
        self.checked = None
        self.query_one("#rows", DataTable).clear()
        self.query_one("#detail", Static).update("")
        self.query_one("#summary", Static).update(marked("[red]$problem[/]", problem=text))
        button = self.query_one("#invite", Button)
        button.disabled, button.label = True, "Invite the good rows"

    def show(self, found: invite_csv.Preview) -> None:
        rows = self.rows = found.rows
        table = self.query_one("#rows", DataTable)
        table.clear()
        # At 80 columns a long problem or name is cut to leave the others in sight; wider terminals show more.
        problem_width, name_width = max(PROBLEM_WIDTH, self.size.width // 2), max(24, self.size.width // 4)
        for r in sorted(rows, key=lambda r: (r.ok, r.line)):  # the rows to fix first
            cells = (
                str(r.line),
                _short(_verdict(r), problem_width),
                _short(r.name, name_width),
                r.email,
                f"{r.deadline:%Y-%m-%d %H:%M}" if r.deadline else "",
                f"×{r.extra_time:g}" if r.extra_time != 1 else "",
            )
            table.add_row(*cells, key=str(r.line))
        if rows:
            table.move_cursor(row=0)
            self.show_detail(str(table.get_row_at(0)[0]))
        good, bad = found.good, found.bad
        self.query_one("#summary", Static).update(
            marked(
                "$good row(s) can be invited"
                + ("; [red]$bad row(s) have problems and will be left out[/]" if bad else "")
                + "\n[dim]$how[/]",
                good=good,
                bad=bad,
                how=found.how_read(),
            )
        )
        button = self.query_one("#invite", Button)
        button.disabled = good == 0
        button.label = f"Invite {good} candidate(s)"

    @on(DataTable.RowHighlighted, "#rows")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_detail(event.row_key.value)

    def show_detail(self, line: str) -> None:
        """The highlighted row in full: its problems, and the deadline in UTC."""
        row = next((r for r in self.rows if str(r.line) == line), None)
        if row is None:
            return
        who = " ".join(filter(None, (row.name, f"<{row.email}>" if row.email else ""))) or "(no name)"
        due = f" · deadline {row.deadline:%Y-%m-%d %H:%M} UTC" if row.deadline else ""
        self.query_one("#detail", Static).update(f"Line {row.line}: {who}{due}\n{_verdict(row)}")

    @on(Button.Pressed, "#invite")
    def invite(self) -> None:
        self.query_one("#invite", Button).disabled = True
        if self.checked is None or self.checked != self.typed():
            self.problem("Check the file first: press Enter in its path")
            return
        rows = self.rows
        self.act(
            lambda: invite_csv.invite_rows(
                self.db,
                self.interview_id,
                rows,
                "console",
                Letterhead.from_settings(self.settings),
                self.settings.base_url,
            ),
            self.finished,
        )

    def finished(self, done: invite_csv.Imported) -> None:
        refused = "".join(f"\nline {r.line}: {why}" for r, why in done.refused)
        self.notify(
            f"Invited {len(done.invited)} candidate(s); their invitations are queued{refused}",
            severity="warning" if refused else "information",
            timeout=10,
        )
        self.dismiss(len(done.invited))

    def action_leave(self) -> None:
        self.dismiss(0)
