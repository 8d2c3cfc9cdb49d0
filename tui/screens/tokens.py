"""API tokens for integrations: what each may do (read, invite, decide), when it was last used; make one (shown
once) or revoke one."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from boxinterview.domain import api
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.dialogs import Confirm, Field, Form, Message
from boxinterview.tui.widgets.plain_table import PlainTable


class TokensScreen(ConsoleScreen[None]):
    BINDINGS = [Binding("n", "add", "New token"), Binding("r", "revoke", "Revoke")]

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("API tokens for integrations", classes="section")
        table = PlainTable(id="tokens", cursor_type="row", zebra_stripes=True)
        table.add_columns("Name", "May", "State", "Made", "Last used")
        yield table
        yield Static(
            "n makes a token (shown once) · r revokes the chosen one · scopes: "
            + "; ".join(f"{k}: {v}" for k, v in api.SCOPES.items()),
            id="status",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        self.read(lambda: api.tokens(self.db), self.show, group="load")

    def show(self, found: list[dict[str, Any]]) -> None:
        self.tokens = found
        table = self.query_one("#tokens", DataTable)
        keep = table.cursor_row
        table.clear()
        for t in found:
            table.add_row(
                t["name"],
                ", ".join(t["scopes"].split()),
                f"revoked {t['revoked_at'][:16].replace('T', ' ')}" if t["revoked_at"] else "active",
                t["created_at"][:10],
                (t["last_used_at"] or "never")[:16].replace("T", " "),
            )
        if found:
            table.move_cursor(row=min(keep, len(found) - 1))

    def action_add(self, typed: dict[str, str] | None = None, problem: str | BaseException = "") -> None:
        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def make() -> str:
                return api.create_token(
                    self.db, values["name"], "console", api.parse_scopes(values["scopes"])
                )

            def shown(token: str) -> None:
                self.load()
                self.app.push_screen(
                    Message(
                        f"API token for {values['name']}",
                        f"{token}\n\nShown only now: put it in the other system's settings. It is sent as "
                        "Authorization: Bearer <token>.",
                        copy=token,
                    )
                )

            self.act(make, shown, lambda error: self.action_add(values, error))

        self.app.push_screen(
            Form(
                "New API token",
                [
                    Field("name", "Name (the system that uses it)", placeholder="e.g. our ATS"),
                    Field("scopes", "May (read, invite, decide; comma-separated)", "read"),
                ],
                save="Make",
                problem=problem,
                values=typed,
            ),
            done,
        )

    def action_revoke(self) -> None:
        table = self.query_one("#tokens", DataTable)
        if not self.tokens or self.tokens[table.cursor_row]["revoked_at"]:
            self.notify("Choose an active token first", severity="warning")
            return
        name = self.tokens[table.cursor_row]["name"]

        def revoked(_: None) -> None:
            self.load()
            self.notify(f"the token {name} no longer works")

        def done(yes: bool | None) -> None:
            if yes:
                self.act(lambda: api.revoke_token(self.db, name, "console"), revoked)

        self.app.push_screen(
            Confirm(f"Revoke the token {name}? Calls with it will be refused.", "Revoke"), done
        )
