"""Invite from a CSV file: read, check every row and show what is wrong before anything is written."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

from boxinterview.domain import invite_csv
from boxinterview.errors import BoxError
from boxinterview.mail.letters import Letterhead


class ImportScreen(Screen[int]):
    """Dismisses with how many candidates were invited."""

    BINDINGS = [Binding("escape", "leave", "Back")]

    def __init__(self, interview_id: int) -> None:
        super().__init__()
        self.interview_id = interview_id
        self.rows: list[invite_csv.Row] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(
            f"CSV file for interview {self.interview_id} (columns: name, email, optional deadline, extra_time)"
        )
        yield Input(placeholder="/home/you/candidates.csv", id="path")
        yield Static("", id="summary")
        table: DataTable[str] = DataTable(id="rows", zebra_stripes=True, cursor_type="row")
        table.add_columns("Line", "Name", "E-mail", "Deadline", "Extra", "Problem")
        yield table
        with Horizontal(classes="buttons"):
            yield Button("Check the file", id="check", variant="default")
            yield Button("Invite the good rows", id="invite", variant="primary", disabled=True)
        yield Footer()

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#check")
    def check(self) -> None:
        self.read(self.query_one("#path", Input).value.strip())

    @work(thread=True, exclusive=True, group="read")
    def read(self, path: str) -> None:
        app = self.app
        try:
            text = Path(path).expanduser().read_text(encoding="utf-8-sig")
            rows = invite_csv.preview(app.db, self.interview_id, text)  # type: ignore[attr-defined]
        except FileNotFoundError:
            app.call_from_thread(self.problem, f"There is no file {path}")
            return
        except UnicodeDecodeError:
            app.call_from_thread(
                self.problem, f"{path} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8"
            )
            return
        except (BoxError, OSError) as exc:
            app.call_from_thread(self.problem, str(exc))
            return
        app.call_from_thread(self.show, rows)

    def problem(self, text: str) -> None:
        self.rows = []
        self.query_one("#rows", DataTable).clear()
        self.query_one("#summary", Static).update(f"[red]{text}[/]")
        self.query_one("#invite", Button).disabled = True

    def show(self, rows: list[invite_csv.Row]) -> None:
        self.rows = rows
        table = self.query_one("#rows", DataTable)
        table.clear()
        for r in sorted(rows, key=lambda r: (r.ok, r.line)):  # the rows to fix first
            table.add_row(str(r.line), r.name, r.email, f"{r.deadline:%Y-%m-%d %H:%M}" if r.deadline else "",
                          f"×{r.extra_time:g}" if r.extra_time != 1 else "", "; ".join(r.problems) or "; ".join(("ok", *r.notes)))  # fmt: skip
        good = sum(r.ok for r in rows)
        bad = len(rows) - good
        self.query_one("#summary", Static).update(
            f"{good} row(s) can be invited"
            + (f"; [red]{bad} row(s) have problems and will be left out[/]" if bad else "")
        )
        button = self.query_one("#invite", Button)
        button.disabled = good == 0
        button.label = f"Invite {good} candidate(s)"

    @on(Button.Pressed, "#invite")
    def invite(self) -> None:
        self.query_one("#invite", Button).disabled = True
        self.invite_rows()

    @work(thread=True, exclusive=True, group="invite")
    def invite_rows(self) -> None:
        app = self.app
        done = invite_csv.invite_rows(app.db, self.interview_id, self.rows, "console",  # type: ignore[attr-defined]
                                      Letterhead.from_settings(app.settings), app.settings.base_url)  # type: ignore[attr-defined]  # fmt: skip
        app.call_from_thread(self.finished, done)

    def finished(self, done: invite_csv.Imported) -> None:
        refused = "".join(f"\nline {r.line}: {why}" for r, why in done.refused)
        self.notify(f"Invited {len(done.invited)} candidate(s); their invitations are queued{refused}",
                    severity="warning" if refused else "information", timeout=10)  # fmt: skip
        self.dismiss(len(done.invited))

    def action_leave(self) -> None:
        self.dismiss(0)
