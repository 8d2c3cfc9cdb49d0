"""Inviting many candidates from a CSV file: every row is checked first and shown with what is wrong, and
nothing is written until the operator confirms; then each good row is invited on its own, so one refusal never
undoes the others.

Columns (a header row names them, in any order): `name`, `email`, and optionally `deadline` (e.g.
2026-12-31T17:00+01:00) and `extra_time` (an accommodation multiplier such as 1.5)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from boxinterview import clock
from boxinterview.domain import invitations
from boxinterview.errors import BoxError, Invalid
from boxinterview.mail.letters import Letterhead
from boxinterview.store import Database
from boxinterview.store import candidates as candidates_sql

MAX_ROWS = 5000
COLUMNS = ("name", "email", "deadline", "extra_time")


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


@dataclass
class Imported:
    invited: list[tuple[Row, int, str]] = field(default_factory=list)  # (row, invitation id, link)
    refused: list[tuple[Row, str]] = field(default_factory=list)


def _deadline(text: str, problems: list[str]) -> datetime | None:
    if not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        problems.append(f"deadline {text!r} is not a date and time such as 2026-12-31T17:00+01:00")
        return None
    if value.tzinfo is None:
        problems.append("the deadline needs a time zone, such as 2026-12-31T17:00+01:00")
        return None
    return value.astimezone(UTC)


def preview(db: Database, interview_id: int, text: str, now: datetime | None = None) -> list[Row]:
    """Every row of the file with its problems (none for a row that can be invited)."""
    now = now or clock.now()
    if text.startswith("\ufeff"):
        text = text[1:]  # a spreadsheet's byte-order mark
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip().lower().replace(" ", "_") for h in next(reader)]
    except StopIteration:
        raise Invalid("the file is empty: give a header row (name,email) and one row per candidate") from None
    missing = [c for c in ("name", "email") if c not in header]
    if missing:
        raise Invalid(
            f"the first row must name the columns; missing: {', '.join(missing)} (found: {', '.join(header)})"
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise Invalid(f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}")
    known = db.read(_invited_emails, interview_id)
    seen: dict[str, int] = {}
    out: list[Row] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(out) >= MAX_ROWS:
            raise Invalid(f"at most {MAX_ROWS} candidates per file; split it")
        values = dict(zip(header, cells, strict=False))
        problems: list[str] = []
        name = email = ""
        try:
            name = invitations.check_name(values.get("name", ""))
        except Invalid as exc:
            problems.append(str(exc))
        try:
            email = invitations.check_email(values.get("email", ""))
        except Invalid as exc:
            problems.append(str(exc))
        if email and email.lower() in seen:
            problems.append(f"{email} is also on line {seen[email.lower()]}")
        elif email and email.lower() in known:
            problems.append(f"{email} is already invited to this interview")
        if email:
            seen.setdefault(email.lower(), number)
        deadline = _deadline(values.get("deadline", ""), problems)
        if deadline is not None and deadline <= now:
            problems.append("the deadline has already passed")
        extra = 1.0
        if values.get("extra_time", "").strip():
            try:
                extra = float(values["extra_time"])
            except ValueError:
                problems.append(f"extra_time {values['extra_time']!r} is not a number such as 1.5")
            else:
                if not 1.0 <= extra <= invitations.MAX_MULTIPLIER:
                    problems.append(f"extra_time is a multiplier from 1.0 to {invitations.MAX_MULTIPLIER}")
        if len(cells) > len(header):
            problems.append(f"{len(cells)} cells but {len(header)} columns: is a comma missing its quotes?")
        notes = tuple(invitations.email_advice(email)) if email else ()
        out.append(Row(number, name, email, deadline, extra, tuple(problems), notes))
    if not out:
        raise Invalid("the file has a header but no candidates")
    return out


def _invited_emails(con, interview_id: int) -> set[str]:  # type: ignore[no-untyped-def]
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
            inv, token = invitations.invite(db, interview_id, row.name, row.email, actor, deadline=row.deadline,
                                            time_multiplier=row.extra_time, letterhead=letterhead)  # fmt: skip
        except BoxError as exc:
            done.refused.append((row, str(exc)))
            continue
        done.invited.append((row, inv.id, f"{base_url}/i/{token}"))
    return done
