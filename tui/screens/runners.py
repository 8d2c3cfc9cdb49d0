"""Remote runners: the machines that process recordings for this server, what each is doing now and when it was
last heard from; the one-time tokens they register with. Make a registration token (shown once), revoke an
unused one, or remove a runner (its token stops working and its jobs go back to the queue) — the same core
services as `boxinterview runners` and `boxinterview runner-token`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from boxinterview import clock
from boxinterview.domain import runners
from boxinterview.domain.runners import Job
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.dialogs import Confirm, Field, Form, Message
from boxinterview.tui.widgets.plain_table import PlainTable

REFRESH_SECONDS = 2.0
ACTOR = "console"
# A working runner calls at least every few seconds (for a job, or its lease); its last call is written down
# every 30 s. Beyond this it is probably stopped or cut off.
QUIET = timedelta(minutes=2)


def _when(moment: datetime | str | None) -> str:
    if moment is None:
        return "never"
    moment = clock.from_db(moment) if isinstance(moment, str) else moment
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def _doing(jobs: list[Job]) -> str:
    return ", ".join(f"recording {j.subject_id} ({j.progress:.0%})" for j in jobs) or "idle"


def _token_state(t: dict[str, Any]) -> str:
    if t["revoked_at"]:
        return f"revoked {_when(t['revoked_at'])}"
    if t["used_at"]:
        return f"used {_when(t['used_at'])} by runner {t['runner_id']}"
    return "unused"


class RunnersScreen(ConsoleScreen[None]):
    BINDINGS = [
        Binding("n", "add_token", "New token", tooltip="New registration token"),
        Binding("x", "revoke_token", "Revoke token"),
        Binding("r", "remove_runner", "Remove runner"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[runners.Runner, list[Job]]] = []
        self.tokens: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Runners (times in UTC)", classes="section")
        table = PlainTable(id="runners", cursor_type="row", zebra_stripes=True)
        table.add_columns("ID", "Name", "From", "Registered", "Last heard from", "Now")
        yield table
        yield Static("Registration tokens", classes="section")
        tokens = PlainTable(id="registration-tokens", cursor_type="row", zebra_stripes=True)
        tokens.add_columns("ID", "Note", "State", "Made")
        yield tokens
        yield Static(
            "n makes a registration token (shown once; a runner spends it with `boxinterview runner --server URL "
            "--token TOKEN`) · x revokes the chosen unused token · r removes the chosen runner",
            id="status",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.set_interval(REFRESH_SECONDS, self.load)

    def load(self) -> None:
        self.read(
            lambda: (runners.listing(self.db), runners.registration_tokens(self.db)), self.show, group="load"
        )

    def show(self, found: tuple[list[tuple[runners.Runner, list[Job]]], list[dict[str, Any]]]) -> None:
        self.found, self.tokens = found
        now = clock.now()
        table = self.query_one("#runners", DataTable)
        keep = table.cursor_row
        table.clear()
        for r, jobs in self.found:
            heard = _when(r.last_seen_at)
            if r.last_seen_at is None or now - r.last_seen_at > QUIET:
                heard += " (quiet: stopped or cut off?)"
            table.add_row(
                str(r.id),
                r.name,
                r.address or "-",
                _when(r.registered_at),
                heard,
                _doing(jobs),
            )
        if self.found:
            table.move_cursor(row=min(keep, len(self.found) - 1))
        tokens = self.query_one("#registration-tokens", DataTable)
        keep = tokens.cursor_row
        tokens.clear()
        for t in self.tokens:
            tokens.add_row(str(t["id"]), t["note"] or "", _token_state(t), _when(t["created_at"]))
        if self.tokens:
            tokens.move_cursor(row=min(keep, len(self.tokens) - 1))

    def action_add_token(
        self, typed: dict[str, str] | None = None, problem: str | BaseException = ""
    ) -> None:
        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def shown(token: str) -> None:
                self.load()
                server = self.settings.base_url
                self.app.push_screen(
                    Message(
                        "Registration token",
                        f"{token}\n\nShown only now, and it works once. On the runner's machine:\n"
                        f"boxinterview runner --server {server} --token {token}",
                        copy=token,
                    )
                )

            self.act(
                lambda: runners.create_registration_token(self.db, values["note"], ACTOR),
                shown,
                lambda error: self.action_add_token(values, error),
            )

        self.app.push_screen(
            Form(
                "New registration token",
                [Field("note", "Note (which machine it is for)", placeholder="e.g. encoder in the basement")],
                save="Make",
                problem=problem,
                values=typed,
            ),
            done,
        )

    def action_revoke_token(self) -> None:
        table = self.query_one("#registration-tokens", DataTable)
        if not self.tokens or _token_state(self.tokens[table.cursor_row]) != "unused":
            self.notify("Choose an unused registration token first", severity="warning")
            return
        chosen = self.tokens[table.cursor_row]

        def revoked(_: None) -> None:
            self.load()
            self.notify(f"registration token {chosen['id']} no longer works")

        self.act(lambda: runners.revoke_registration_token(self.db, chosen["id"], ACTOR), revoked)

    def action_remove_runner(self) -> None:
        if not self.found:
            self.notify("No runner yet: make a registration token with n", severity="warning")
            return
        runner, jobs = self.found[self.query_one("#runners", DataTable).cursor_row]

        def removed(released: int) -> None:
            self.load()
            self.notify(
                f"runner {runner.name} removed: its token no longer works; {released} job(s) back in the queue"
            )

        def done(yes: bool | None) -> None:
            if yes:
                self.act(lambda: runners.remove(self.db, runner.id, ACTOR), removed)

        held = f" It holds {len(jobs)} job(s) now; they go back to the queue." if jobs else ""
        self.app.push_screen(
            Confirm(f"Remove the runner {runner.name}? Its token will stop working at once.{held}", "Remove"),
            done,
        )
