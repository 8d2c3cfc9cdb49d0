"""Backups: run one now with a progress bar, list them with size and age, verify one, restore one (typed
confirmation) — the same core services as `boxinterview backup` and `restore`."""

from __future__ import annotations

import urllib.request

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static

from boxinterview import clock
from boxinterview.ops import backup, restore
from boxinterview.ops.restore import Restored
from boxinterview.tui.format import age, marked, size
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.dialogs import Message, TypedConfirm
from boxinterview.tui.widgets.plain_table import PlainTable

# Ages are counted again every second; the list is read again now and then, for the hourly backups the timer makes.
AGE_SECONDS = 1.0
REFRESH_SECONDS = 30.0
HELP = "b backs up now · v verifies the chosen backup · R restores it"


class BackupsScreen(ConsoleScreen[None]):
    BINDINGS = [
        Binding("b", "run", "Back up now"),
        Binding("v", "verify", "Verify"),
        Binding("R", "restore", "Restore"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.backups: list[backup.BackupInfo] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Backups (newest first)", classes="section")
        table = PlainTable(id="backups", cursor_type="row", zebra_stripes=True)
        table.add_columns("Name", "Age", "Files", "Size")
        yield table
        yield Static("", id="activity")
        yield ProgressBar(total=100, show_eta=False, id="progress")
        yield Static(HELP, id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.set_interval(AGE_SECONDS, self.show_ages)
        self.set_interval(REFRESH_SECONDS, self.load)

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        self.read(lambda: list(reversed(backup.listing(self.settings))), self.show, group="list")

    def show(self, found: list[backup.BackupInfo]) -> None:
        self.backups = found
        table = self.query_one("#backups", DataTable)
        keep = table.cursor_row
        table.clear()
        now = clock.now()
        for b in found:
            table.add_row(b.name, age(now - b.created_at), str(b.files), size(b.bytes), key=b.name)
        if found:
            table.move_cursor(row=min(keep, len(found) - 1))
        self.show_ages()

    def show_ages(self) -> None:
        """The ages and the line under the list, as of now: what was read a minute ago is a minute older."""
        now = clock.now()
        table = self.query_one("#backups", DataTable)
        for b in self.backups:
            if b.name in table.rows:
                table.update_cell(b.name, table.ordered_columns[1].key, age(now - b.created_at))
        self.query_one("#status", Static).update(
            f"{len(self.backups)} backup(s), the newest {age(now - self.backups[0].created_at)} old · {HELP}"
            if self.backups
            else "No backups yet: press b (the backup timer makes one every hour)"
        )

    def progress(self, what: str, done: int, total: int) -> None:
        """Called from the worker thread by the backup service."""
        self.app.call_from_thread(self._progress, what, done, total)

    def _progress(self, what: str, done: int, total: int) -> None:
        self.query_one("#activity", Static).update(Content(f"{what}: {size(done)} of {size(total)}"))
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)

    def selected(self) -> backup.BackupInfo | None:
        if not self.backups:
            return None
        return self.backups[self.query_one("#backups", DataTable).cursor_row]

    def start(self) -> bool:
        if self.busy:
            self.notify("A backup task is running; wait for it", severity="warning")
            return False
        self.busy = True
        return True

    def action_run(self) -> None:
        if self.start():
            self.act(
                lambda: backup.run_and_record(self.db, self.settings, "console", self.progress),
                lambda made: self.finish(
                    Content(
                        f"Backup {made.name}: {made.files} files, {size(made.bytes)}"
                        + (f"; {note}" if (note := backup.replaced_note(made)) else "")
                    )
                ),
                lambda exc: self.finish(marked("[red]The backup failed:[/] $error", error=exc)),
                refusals=(Exception,),  # whatever stopped it is shown to the operator, who can act on it
            )

    def finish(self, text: Content) -> None:
        self.busy = False
        self.query_one("#activity", Static).update(text)
        self.load()

    def action_verify(self) -> None:
        chosen = self.selected()
        if chosen and self.start():
            name = chosen.name
            self.act(
                lambda: backup.verify(self.settings, name, self.progress),
                lambda problems: self.verified(name, problems),
                lambda exc: self.finish(marked("[red]Not verified:[/] $error", error=exc)),
            )

    def verified(self, name: str, problems: list[str]) -> None:
        text = (
            marked(
                "[red]$name has $n problem(s):[/] $problems",
                name=name,
                n=len(problems),
                problems="; ".join(problems[:3]),
            )
            if problems
            else Content(f"{name}: every file matches its manifest; the database passes its integrity check")
        )
        self.finish(text)

    def server_running(self) -> bool:
        s = self.settings
        host = "127.0.0.1" if s.server.host in ("0.0.0.0", "", "::") else s.server.host
        try:
            with urllib.request.urlopen(f"http://{host}:{s.server.port}/healthz", timeout=1):  # noqa: S310 - our own server
                return True
        except OSError:
            return False

    def action_restore(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if self.server_running():
            self.app.push_screen(
                Message(
                    "Stop the server first",
                    "The server is running and would go on writing to the data a restore "
                    "replaces.\n\nsudo systemctl stop boxinterview boxinterview-worker\n\n"
                    "then restore here, and start it again.",
                )
            )
            return

        def done(yes: bool | None) -> None:
            if yes and self.start():
                self.restore(chosen.name)

        self.app.push_screen(
            TypedConfirm(
                f"Put backup {chosen.name} in place of the live data? What it replaces is kept aside, not deleted. "
                "The console closes afterwards: start it again to go on with the restored data.",
                chosen.name,
                "restore",
            ),
            done,
        )

    def restore(self, name: str) -> None:
        self.act(
            # The console itself holds the data directory; the server was checked above.
            lambda: restore.restore(self.settings, name, force=True, progress=self.progress, actor="console"),
            self.restored,
            lambda exc: self.finish(marked("[red]Not restored:[/] $error", error=exc)),
        )

    def restored(self, done: Restored) -> None:
        """The console's database connection is to the file the restore moved aside: whatever it wrote from now
        on would be lost with it. It closes (every screen's state belongs to the old data too), saying why and
        what to do next."""
        self.app.close_for_restore(
            f"Restored backup {done.name}; the data it replaced is kept in {done.kept_aside}.\n"
            "The console has closed so that nothing more is written to the replaced data. Start it again with "
            "`boxinterview console`, and start the server:\n\n"
            "    sudo systemctl start boxinterview boxinterview-worker"
        )
