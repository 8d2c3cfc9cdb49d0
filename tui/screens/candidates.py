"""The candidates of one interview: invite, import a CSV, a link to pass on by hand, resend, more time, an
accommodation, withdraw, erase."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Select, Static

from boxinterview import clock, storage
from boxinterview.domain import deadlines, interviews, invitations, retention
from boxinterview.domain.models import (
    Candidate,
    InterviewStatus,
    InterviewSummary,
    Invitation,
    InvitationStatus,
)
from boxinterview.errors import Invalid
from boxinterview.mail.letters import Letterhead
from boxinterview.store import Database
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.dialogs import Confirm, Field, Form, Message, TypedConfirm
from boxinterview.tui.widgets.plain_table import PlainTable

REFRESH_SECONDS = 2.0
NAME_WIDTH = 28  # at 80 columns; wider terminals show more of a long name


# How a deadline may be typed, under the field (`domain/deadlines.py` reads it).
DEADLINE_FORMS = "e.g. 2026-12-31 17:00 or 31.12.2026, in the interview's time zone"


def deadline_of(db: Database, interview_id: int, typed: str) -> datetime | None:
    """A deadline as typed in a dialog; a refusal names the deadline field, which its words may not."""
    try:
        return deadlines.of_interview(db, interview_id, typed)
    except Invalid as exc:
        raise Invalid(str(exc), [("deadline", str(exc))]) from None


def status(inv: Invitation) -> str:
    """Where the candidate is; an erased one is only that (nothing of theirs is left to act on)."""
    return "erased" if inv.erased_at is not None else inv.status.value


def extra(inv: Invitation) -> str:
    """The Extra column: the time granted, and "asks" while a request waits for an answer."""
    granted = f"×{inv.time_multiplier:g}" if inv.time_multiplier != 1 else ""
    return " ".join(part for part in (granted, "asks" if inv.accommodation_waiting else "") if part)


class CandidatesScreen(ConsoleScreen[None]):
    CSS_PATH = "candidates.tcss"
    AUTO_FOCUS = "#candidates"
    BINDINGS = [
        Binding("i", "invite", "Invite"),
        Binding("m", "import_csv", "Import CSV", show=False),
        Binding("l", "link", "Link", show=False),
        Binding("s", "resend", "Resend", show=False),
        Binding("x", "extend", "Time", tooltip="More time (a later deadline)"),
        Binding("a", "accommodation", "Adjust", tooltip="Accommodation (extra time per question)"),
        Binding("w", "withdraw", "Withdraw"),
        Binding("E", "erase", "Erase"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.interview_id: int | None = None
        self.rows: list[tuple[Invitation, Candidate]] = []
        self.time_zone = "UTC"  # the chosen interview's: deadlines are shown as its candidates read them

    def compose(self) -> ComposeResult:
        yield Header()
        yield Select[int]([], prompt="Choose an interview", id="interview", compact=True)
        table = PlainTable(id="candidates", cursor_type="row", zebra_stripes=True)
        # The address comes last, so at 80 columns a long one is what is cut; the line under the table has it.
        table.add_columns("#", "Name", "Status", "Deadline", "Extra", "E-mail")
        yield table
        yield Static("", id="detail", markup=False)
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.load_interviews()
        self.set_interval(REFRESH_SECONDS, self.load)

    def choose(self, interview_id: int) -> None:
        """Show this interview's candidates (now, or as soon as the screen is up)."""
        self.interview_id = interview_id
        if self.is_mounted:
            self.load_interviews()

    def load_interviews(self) -> None:
        self.read(lambda: interviews.summaries(self.db), self.show_interviews, group="interview-list")

    def show_interviews(self, found: list[InterviewSummary]) -> None:
        # As Text: a title is shown as written, never as markup
        options = [(Text(f"{s.id} · {s.title} ({s.status.value})"), s.id) for s in found]
        open_ones = [s.id for s in found if s.status is InterviewStatus.OPEN]
        select = self.query_one("#interview", Select)
        select.set_options(options)
        if self.interview_id is None and options:
            self.interview_id = open_ones[0] if open_ones else options[0][1]
        if self.interview_id is not None:
            select.value = self.interview_id
        self.load()

    @on(Select.Changed, "#interview")
    def interview_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value != self.interview_id:
            self.interview_id = event.value
            self.load()

    def load(self) -> None:
        interview_id = self.interview_id
        if interview_id is not None:
            self.read(
                lambda: (
                    interviews.get(self.db, interview_id).time_zone,
                    invitations.listing(self.db, interview_id),
                ),
                lambda found: self.show(*found),
                group="candidates",
            )

    def show(self, time_zone: str, rows: list[tuple[Invitation, Candidate]]) -> None:
        self.rows = rows
        self.time_zone = time_zone
        zone = deadlines.zone(time_zone)
        table = self.query_one("#candidates", DataTable)
        keep = table.cursor_row
        table.clear()
        width = max(NAME_WIDTH, self.size.width - 52)  # a long name leaves room for the status and deadline
        for inv, person in rows:
            table.add_row(
                str(inv.number),
                person.name if len(person.name) <= width else person.name[: width - 1] + "…",
                status(inv),
                f"{inv.deadline.astimezone(zone):%d %b %H:%M}",
                extra(inv),
                person.email or "",
                key=str(inv.id),
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        self.show_detail()
        counts: dict[str, int] = {}
        for inv, _ in rows:
            counts[status(inv)] = counts.get(status(inv), 0) + 1
        summary = " · ".join(f"{n} {s}" for s, n in counts.items())
        if asking := sum(inv.accommodation_waiting for inv, _ in rows):
            summary += f" · {asking} ask(s) for an adjustment: a answers"
        self.query_one("#status", Static).update(
            f"{len(rows)} candidate(s): {summary}"
            if rows
            else "No candidates yet: i invites one, m imports a CSV."
        )

    @on(DataTable.RowHighlighted, "#candidates")
    def show_detail(self) -> None:
        """The highlighted candidate in full, whatever the width cuts from the table."""
        table = self.query_one("#candidates", DataTable)
        detail = ""
        if self.rows and table.cursor_row < len(self.rows):
            inv, person = self.rows[table.cursor_row]
            who = f"{person.name} <{person.email}>" if person.email else person.name
            extra = f" · extra time ×{inv.time_multiplier:g}" if inv.time_multiplier != 1 else ""
            if inv.accommodation_waiting:
                extra += f' · asks: "{inv.accommodation_request}"'
            deadline = inv.deadline.astimezone(deadlines.zone(self.time_zone))
            detail = f"{who} · {status(inv)} · deadline {deadline:%Y-%m-%d %H:%M} {self.time_zone}{extra}"
        self.query_one("#detail", Static).update(detail)

    def selected(self) -> tuple[Invitation, Candidate] | None:
        table = self.query_one("#candidates", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            self.notify("Choose a candidate first", severity="warning")
            return None
        return self.rows[table.cursor_row]

    @property
    def letterhead(self) -> Letterhead:
        return Letterhead.from_settings(self.settings)

    def link_message(self, token: str, what: str) -> None:
        url = f"{self.settings.base_url}/i/{token}"
        self.app.push_screen(
            Message(
                what,
                "The link is personal: send it to this candidate only. "
                "Links made for them before keep working.",
                link=url,
            )
        )

    def action_invite(self, typed: dict[str, str] | None = None, problem: str | BaseException = "") -> None:
        if self.interview_id is None:
            return
        interview_id = self.interview_id

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def invite() -> str:
                return invitations.invite(
                    self.db,
                    interview_id,
                    values["name"],
                    values["email"],
                    "console",
                    deadline=deadline_of(self.db, interview_id, values["deadline"]),
                    letterhead=self.letterhead,
                )[1]

            def invited(token: str) -> None:
                self.link_message(token, f"{values['name']} is invited")
                for warning in invitations.email_advice(values["email"]):
                    self.notify(warning, severity="warning", timeout=15)

            self.act(invite, invited, lambda error: self.action_invite(values, error))

        self.app.push_screen(
            Form(
                "Invite a candidate",
                [
                    Field("name", "Name", placeholder="Ann Example"),
                    Field("email", "E-mail", placeholder="ann@example.com"),
                    Field("deadline", "Deadline (empty: the interview's)", placeholder=DEADLINE_FORMS),
                ],
                save="Invite",
                note="The invitation e-mail is queued; the link is shown here too.",
                problem=problem,
                values=typed,
            ),
            done,
        )

    def action_import_csv(self) -> None:
        if self.interview_id is not None:
            from boxinterview.tui.screens.csv_import import ImportScreen

            self.app.push_screen(ImportScreen(self.interview_id), lambda _: self.load())

    def action_link(self) -> None:
        chosen = self.selected()
        if chosen:
            inv, person = chosen
            self.act(
                lambda: invitations.new_link(self.db, inv.id, "console"),
                lambda token: self.link_message(token, f"A link for {person.name}"),
            )

    def action_resend(self) -> None:
        chosen = self.selected()
        if chosen:
            inv, person = chosen
            self.act(
                lambda: invitations.resend(self.db, inv.id, self.letterhead, "console"),
                lambda _: self.notify(f"The invitation to {person.name} is queued again"),
            )

    def action_extend(self, typed: dict[str, str] | None = None, problem: str | BaseException = "") -> None:
        chosen = self.selected()
        if chosen:
            inv, person = chosen
            # The deadline is shown and typed in the interview's time zone, as the candidate reads it.
            self.read(
                lambda: interviews.get(self.db, inv.interview_id).time_zone,
                lambda time_zone: self.extend_form(inv, person, time_zone, typed, problem),
                group="open",
            )

    def extend_form(
        self,
        inv: Invitation,
        person: Candidate,
        time_zone: str,
        typed: dict[str, str] | None,
        problem: str | BaseException,
    ) -> None:
        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def extend() -> Invitation:
                deadline = deadline_of(self.db, inv.interview_id, values["deadline"])
                if deadline is None:
                    raise Invalid("give the new deadline")
                return invitations.extend_deadline(
                    self.db, inv.id, deadline, "console", letterhead=self.letterhead
                )

            self.act(
                extend,
                lambda _: self.notify(f"{person.name} has until {values['deadline']}; they are told"),
                lambda error: self.action_extend(values, error),  # the dialog again, as typed
            )

        zone = deadlines.zone(time_zone)
        now = inv.deadline.astimezone(zone)
        start = max(inv.deadline, clock.now()).astimezone(zone)
        self.app.push_screen(
            Form(
                f"More time for {person.name}",
                [
                    Field(
                        "deadline",
                        f"New deadline (now {now:%Y-%m-%d %H:%M} {time_zone})",
                        f"{start:%Y-%m-%d %H:%M}",
                    )
                ],
                save="Extend",
                note=f"Write it {DEADLINE_FORMS} ({time_zone}), or with a zone of its own (2026-12-31T17:00+01:00).",
                problem=problem,
                values=typed,
            ),
            done,
        )

    def action_accommodation(
        self, typed: dict[str, str] | None = None, problem: str | BaseException = ""
    ) -> None:
        chosen = self.selected()
        if not chosen:
            return
        inv, person = chosen

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def grant() -> tuple[float, bool]:
                try:
                    multiplier = float(values["multiplier"].strip().replace(",", "."))  # 1,5 as 1.5
                except ValueError:
                    raise Invalid("extra time is a number such as 1.5") from None
                told = invitations.grant_accommodation(
                    self.db, inv.id, multiplier, values["note"], "console", letterhead=self.letterhead
                )
                return multiplier, told

            def granted(result: tuple[float, bool]) -> None:
                multiplier, told = result
                by_mail = "; they are told by e-mail" if told else ""
                self.notify(f"{person.name} has ×{multiplier:g} time{by_mail}")

            self.act(
                grant,
                granted,
                lambda error: self.action_accommodation(values, error),
            )

        request = ""
        if inv.accommodation_request and inv.accommodation_requested_at:
            asked = inv.accommodation_requested_at.astimezone(deadlines.zone(self.time_zone))
            request = (
                f'They asked on {asked:%Y-%m-%d %H:%M} ({self.time_zone}): "{inv.accommodation_request}"'
            )
            request += (
                ". Grant, even as it is, to answer it."
                if inv.accommodation_waiting
                else ". Answered already."
            )
        self.app.push_screen(
            Form(
                f"Accommodation for {person.name}",
                [
                    Field("multiplier", "Time multiplier (1.0 to 4.0)", f"{inv.time_multiplier:g}"),
                    Field("note", "Note (for the team)", inv.accommodation_note),
                ],
                save="Grant",
                note=" ".join(
                    part
                    for part in (
                        request,
                        "A candidate given more time than before is told by e-mail, with a link.",
                    )
                    if part
                ),
                problem=problem,
                values=typed,
            ),
            done,
        )

    def action_withdraw(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        inv, person = chosen

        def done(yes: bool | None) -> None:
            if yes:
                self.act(
                    lambda: invitations.move(self.db, inv.id, InvitationStatus.WITHDRAWN, "console"),
                    lambda _: self.notify(f"{person.name} is withdrawn"),
                )

        self.app.push_screen(
            Confirm(f"Withdraw {person.name}? Their link stops working.", yes="Withdraw"), done
        )

    def action_erase(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        inv, person = chosen

        def done(yes: bool | None) -> None:
            if yes:
                data_dir, bucket = self.settings.data_dir, storage.open_bucket(self.settings.storage)
                self.act(
                    lambda: retention.erase(
                        self.db, data_dir, inv.id, "console", "erased on request", bucket=bucket
                    ),
                    lambda n: self.notify(f"Erased: {n} file(s) removed; the audit log records it"),
                )

        self.app.push_screen(
            TypedConfirm(
                f"Erase everything of {person.name} in this interview: recordings, answers, notes, messages, name and "
                "address. This cannot be undone.",
                "ERASE",
                "erase",
            ),
            done,
        )
