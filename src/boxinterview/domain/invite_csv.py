"""Inviting many candidates from a CSV file: every row is checked first and shown with what is wrong, and
nothing is written until the operator confirms; then each good row is invited on its own, so one refusal never
undoes the others.

A heading row names the columns, in any order and as people write them (case, spaces and punctuation do not
matter): the candidate's name (`Name`, `Full name`, or `First name` and `Last name`), their e-mail address
(`Email`, `E-Mail`, `Email address`, `E-Mail-Adresse`), and optionally `deadline` (e.g. 2026-12-31 17:00 or
31.12.2026, in the interview's time zone: `deadlines`) and `extra_time` (an accommodation multiplier such as 1.5). Other columns are ignored, and the preview says so.
How the file is read (encoding, delimiter) is `csv_read`'s part."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

import apsw

from boxinterview import clock
from boxinterview.domain import csv_read, deadlines, interviews, invitations
from boxinterview.errors import BoxError, Invalid
from boxinterview.mail.letters import Letterhead
from boxinterview.store import Database
from boxinterview.store import candidates as candidates_sql

MAX_ROWS = 5000
# The headings taken for each column, as `csv_read.heading_key` writes them. English first, then the words of
# spreadsheets exported in German, French and Dutch. "Nom" is left out: French for the family name, it would be
# taken for the whole name.
HEADINGS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "fullname",
        "candidate",
        "candidatename",
        "candidatesname",
        "vollstandigername",
        "nomcomplet",
        "volledigenaam",
        "naam",
    ),
    "first_name": ("firstname", "givenname", "forename", "first", "vorname", "prenom", "voornaam"),
    "last_name": (
        "lastname",
        "surname",
        "familyname",
        "last",
        "nachname",
        "familienname",
        "nomdefamille",
        "achternaam",
    ),
    "email": (
        "email",
        "emailaddress",
        "mail",
        "mailaddress",
        "emailadresse",
        "mailadresse",
        "emailadres",
        "courriel",
        "adresseemail",
        "adressemail",
    ),
    "deadline": ("deadline", "duedate", "due"),
    "extra_time": ("extratime", "timemultiplier", "extratimemultiplier"),
}
_FIELD_OF = {key: f for f, keys in HEADINGS.items() for key in keys}
_NAMED = {
    "name": "the name",
    "first_name": "the first name",
    "last_name": "the last name",
    "email": "the e-mail address",
    "deadline": "the deadline",
    "extra_time": "the extra time",
}
EXPECTED = (
    "name (or Full name, or First name and Last name), email (or E-Mail, Email address), deadline, extra_time"
)


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    email: str
    deadline: datetime | None = None
    extra_time: float = 1.0
    problems: tuple[str, ...] = ()
    # Warnings that do not stop the invitation (an address that only some mail servers take).
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Preview:
    """What the file holds and how it was read, before anything is written."""

    rows: list[Row]
    encoding: str
    delimiter: str
    columns: dict[str, str]  # field (name, email …) → its heading as written in the file
    ignored: list[str]  # headings of the columns left out

    @property
    def good(self) -> int:
        return sum(r.ok for r in self.rows)

    @property
    def bad(self) -> int:
        return len(self.rows) - self.good

    def how_read(self) -> str:
        """One line for the operator: the encoding, the delimiter, and the columns left out."""
        text = f"Read as {self.encoding}, columns separated by {csv_read.DELIMITER_NAMES[self.delimiter]}s"
        if self.ignored:
            text += f"; ignored column(s): {', '.join(self.ignored)}"
        return text


@dataclass
class Imported:
    invited: list[tuple[Row, int, str]] = field(default_factory=list)  # (row, invitation id, link)
    refused: list[tuple[Row, str]] = field(default_factory=list)


def _deadline(text: str, time_zone: str, problems: list[str]) -> datetime | None:
    if not text.strip():
        return None
    try:
        return deadlines.read(text, time_zone)
    except Invalid as why:
        problems.append(f"deadline: {why}")
        return None


def _columns(header: list[str], rows: list[tuple[int, list[str]]]) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field, and the headings of the columns left out."""
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, heading in enumerate(header):
        field_name = _FIELD_OF.get(csv_read.heading_key(heading))
        if field_name is None:
            if heading.strip():
                ignored.append(heading.strip())
            elif any(index < len(cells) and cells[index].strip() for _, cells in rows):
                ignored.append(f"column {index + 1} (no heading)")
            continue  # an empty heading over empty cells: a spreadsheet's trailing separators
        if field_name in found:
            raise Invalid(
                f"two columns hold {_NAMED[field_name]}: {header[found[field_name]].strip()!r} and "
                f"{heading.strip()!r}; keep one of them"
            )
        found[field_name] = index
    missing = [
        what
        for what, needs in (
            ("the e-mail address", ("email",)),
            ("the name", ("name", "first_name", "last_name")),
        )
        if not any(n in found for n in needs)
    ]
    if missing:
        written = ", ".join(repr(h.strip()) for h in header if h.strip()) or "none"
        raise Invalid(
            f"no column holds {' or '.join(missing)}. The file's first row names the columns "
            f"{written}; the columns taken are {EXPECTED}"
        )
    return found, ignored


class _Cells:
    """One row's cells by field; a short row (a spreadsheet leaves trailing empty cells out) reads as empty."""

    def __init__(self, cells: list[str], columns: dict[str, int]) -> None:
        self.cells, self.columns = cells, columns

    def __call__(self, field_name: str) -> str:
        index = self.columns.get(field_name)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""


def preview(
    db: Database,
    interview_id: int,
    data: bytes | str,
    now: datetime | None = None,
    encoding: str | None = None,
) -> Preview:
    """Every row of the file with its problems (none for a row that can be invited). `encoding` overrides the
    detected one."""
    now = now or clock.now()
    table = csv_read.read(data, encoding)
    columns, ignored = _columns(table.header, table.rows)
    if len(table.rows) > MAX_ROWS:
        raise Invalid(f"at most {MAX_ROWS} candidates per file; this one has {len(table.rows)}: split it")
    if not table.rows:
        raise Invalid("the file has a heading row but no candidates")
    known = db.read(_invited_emails, interview_id)
    time_zone = interviews.get(db, interview_id).time_zone
    seen: dict[str, int] = {}
    out: list[Row] = []
    for number, cells in table.rows:
        cell = _Cells(cells, columns)
        problems: list[str] = []
        name = email = ""
        try:
            name = invitations.check_name(cell("name") or f"{cell('first_name')} {cell('last_name')}")
        except Invalid as exc:
            problems.append(str(exc))
        try:
            email = invitations.check_email(cell("email"))
        except Invalid as exc:
            problems.append(str(exc))
        if email and email.lower() in seen:
            problems.append(f"{email} is also on line {seen[email.lower()]}")
        elif email and email.lower() in known:
            problems.append(f"{email} is already invited to this interview")
        if email:
            seen.setdefault(email.lower(), number)
        deadline = _deadline(cell("deadline"), time_zone, problems)
        if deadline is not None:
            try:
                invitations.check_deadline(deadline, now)
            except Invalid as why:
                problems.append(str(why))
        extra = 1.0
        if cell("extra_time"):
            try:
                extra = float(cell("extra_time").replace(",", "."))  # 1,5 as a European spreadsheet writes it
            except ValueError:
                problems.append(f"extra_time {cell('extra_time')!r} is not a number such as 1.5")
            else:
                if not 1.0 <= extra <= invitations.MAX_MULTIPLIER:
                    problems.append(f"extra_time is a multiplier from 1.0 to {invitations.MAX_MULTIPLIER}")
        if any(c.strip() for c in cells[len(table.header) :]):
            problems.append(
                f"{len(cells)} cells but {len(table.header)} columns: does a cell hold a "
                f"{csv_read.DELIMITER_NAMES[table.delimiter]} without quotes around it?"
            )
        notes = tuple(invitations.email_advice(email)) if email else ()
        out.append(Row(number, name, email, deadline, extra, tuple(problems), notes))
    named = {f: table.header[i].strip() for f, i in columns.items()}
    return Preview(_one_order(out, table.rows, columns), table.encoding, table.delimiter, named, ignored)


def _one_order(rows: list[Row], cells: list[tuple[int, list[str]]], columns: dict[str, int]) -> list[Row]:
    """Dates with slashes read day first on one line and month first on another contradict each other: every
    row with a slash date is then a problem, rather than some read one way and some the other."""
    written = {number: _Cells(row, columns)("deadline") for number, row in cells}
    orders = {number: deadlines.slash_order(text) for number, text in written.items()}
    first = {order: number for number, order in sorted(orders.items(), reverse=True) if order}
    if len(first) < 2:
        return rows
    why = (
        f"deadline: the file writes dates with slashes day first (line {first['day first']}) and month first "
        f"(line {first['month first']}); write them the year first, e.g. 2026-12-31 17:00"
    )
    return [
        dataclasses.replace(r, deadline=None, problems=(*r.problems, why))
        if "/" in written.get(r.line, "")
        else r
        for r in rows
    ]


def _invited_emails(con: apsw.Connection, interview_id: int) -> set[str]:
    return {c.email.lower() for _, c in candidates_sql.invitations_of(con, interview_id) if c.email}


def invite_rows(
    db: Database, interview_id: int, rows: list[Row], actor: str, letterhead: Letterhead | None, base_url: str
) -> Imported:
    """Invite the good rows (each in its own transaction); a row refused now (say, invited meanwhile from the
    web) is reported with the reason and the rest go on."""
    done = Imported()
    for row in rows:
        if not row.ok:
            continue
        try:
            inv, token = invitations.invite(
                db,
                interview_id,
                row.name,
                row.email,
                actor,
                deadline=row.deadline,
                time_multiplier=row.extra_time,
                letterhead=letterhead,
            )
        except BoxError as exc:
            done.refused.append((row, str(exc)))
            continue
        done.invited.append((row, inv.id, f"{base_url}/i/{token}"))
    return done
