"""The hiring team's accounts: add, assign to interviews, disable or enable, reset a password (shown once)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from boxinterview.domain import accounts, numbers
from boxinterview.domain.models import Account, Role
from boxinterview.errors import Invalid
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.dialogs import Confirm, Field, Form, Message
from boxinterview.tui.widgets.plain_table import PlainTable


class ReviewersScreen(ConsoleScreen[None]):
    BINDINGS = [
        Binding("n", "add", "Add"),
        Binding("g", "assign", "Assign"),
        Binding("u", "unassign", "Unassign"),
        Binding("d", "disable_or_enable", "On/off", tooltip="Disable or enable"),
        Binding("p", "reset", "Password", tooltip="New password"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.accounts: list[tuple[Account, list[int]]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reviewers and admins", classes="section")
        table = PlainTable(id="accounts", cursor_type="row", zebra_stripes=True)
        table.add_columns("E-mail", "Name", "Role", "State", "Interviews")
        yield table
        yield Static("n adds an account · g assigns it to an interview · p makes a new password", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        def read() -> list[tuple[Account, list[int]]]:
            db = self.db
            return [(a, accounts.assigned_interviews(db, a.id)) for a in accounts.listing(db)]

        self.read(read, self.show, group="load")

    def show(self, found: list[tuple[Account, list[int]]]) -> None:
        self.accounts = found
        table = self.query_one("#accounts", DataTable)
        keep = table.cursor_row
        table.clear()
        for a, assigned in found:
            table.add_row(
                a.email,
                a.name,
                a.role.value,
                "active" if a.active else "disabled",
                "all" if a.role is Role.ADMIN else ", ".join(map(str, assigned)) or "none",
            )
        if found:
            table.move_cursor(row=min(keep, len(found) - 1))

    def selected(self) -> Account | None:
        table = self.query_one("#accounts", DataTable)
        if not self.accounts:
            return None
        return self.accounts[table.cursor_row][0]

    def show_password(self, email: str, password: str) -> None:
        self.app.push_screen(
            Message(
                f"Password for {email}",
                f"{password}\n\nShown only now: give it to them in person or by phone; they "
                "sign in at /login.",
                copy=password,
            )
        )

    def action_add(self, typed: dict[str, str] | None = None, problem: str | BaseException = "") -> None:
        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def add() -> str:
                role = values["role"].strip().lower() or "reviewer"
                if role not in ("reviewer", "admin"):
                    raise Invalid("the role is reviewer or admin")
                return accounts.create(self.db, values["email"], Role(role), "console", name=values["name"])[
                    1
                ]

            self.act(
                add,
                lambda password: self.show_password(values["email"], password),
                lambda error: self.action_add(values, error),
            )

        self.app.push_screen(
            Form(
                "Add an account",
                [
                    Field("email", "E-mail"),
                    Field("name", "Name"),
                    Field("role", "Role (reviewer or admin)", "reviewer"),
                ],
                save="Add",
                problem=problem,
                values=typed,
            ),
            done,
        )

    def action_assign(self, unassign: bool = False) -> None:
        account = self.selected()
        if account is None:
            return

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def change() -> int:
                try:
                    interview_id = numbers.whole(values["interview"], "interview", low=1)
                except Invalid:
                    raise Invalid("give the interview's number (the ID column of Interviews)") from None
                if unassign:
                    accounts.unassign(self.db, account.email, interview_id, "console")
                else:
                    accounts.assign(self.db, account.email, interview_id, "console")
                return interview_id

            self.act(
                change,
                lambda i: self.notify(
                    f"{account.email} {'no longer reviews' if unassign else 'reviews'} interview {i}"
                ),
            )

        self.app.push_screen(
            Form(
                f"{'Unassign' if unassign else 'Assign'} {account.email}",
                [Field("interview", "Interview ID")],
                save="Unassign" if unassign else "Assign",
            ),
            done,
        )

    def action_unassign(self) -> None:
        self.action_assign(unassign=True)

    def action_disable_or_enable(self) -> None:
        account = self.selected()
        if account is None:
            return
        if not account.active:
            self.act(
                lambda: accounts.set_active(self.db, account.email, True, "console"),
                lambda _: self.notify(f"{account.email} can sign in again"),
            )
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.act(
                    lambda: accounts.set_active(self.db, account.email, False, "console"),
                    lambda _: self.notify(f"{account.email} is disabled and signed out"),
                )

        self.app.push_screen(
            Confirm(f"Disable {account.email}? They are signed out at once.", yes="Disable"), done
        )

    def action_reset(self) -> None:
        account = self.selected()
        if account is None:
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.act(
                    lambda: accounts.reset_password(self.db, account.email, "console"),
                    lambda password: self.show_password(account.email, password),
                )

        self.app.push_screen(
            Confirm(
                f"Make a new password for {account.email}? The old one stops working and "
                "they are signed out.",
                yes="New password",
            ),
            done,
        )
