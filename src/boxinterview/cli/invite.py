"""`boxinterview invite`: one candidate by name and address, or everyone in a CSV file. A file is checked and
shown row by row first, like the console's import; nothing is written until the operator confirms."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import datetime
from pathlib import Path

from boxinterview.cli.base import actor as _actor
from boxinterview.cli.base import open_db as _open
from boxinterview.config.settings import Settings
from boxinterview.errors import BoxError
from boxinterview.mail.letters import Letterhead


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    if args.csv:
        if args.name or args.email:
            raise BoxError("give either the candidate's NAME and EMAIL or --csv FILE, not both")
        return _invite_file(args, settings)
    if not (args.name and args.email):
        raise BoxError("give the candidate's NAME and EMAIL, or --csv FILE to invite everyone in a file")
    for flag in ("encoding", "dry_run", "yes"):
        if getattr(args, flag):
            raise BoxError(f"--{flag.replace('_', '-')} is for --csv FILE")
    from boxinterview.domain import deadlines, interviews, invitations

    with _open(settings) as db:
        invitation, token = invitations.invite(
            db,
            args.interview,
            args.name,
            args.email,
            _actor(),
            deadline=deadlines.of_interview(db, args.interview, args.deadline or ""),
            time_multiplier=args.extra_time,
            letterhead=Letterhead.from_settings(settings),
        )
        zone = interviews.get(db, args.interview).time_zone
    print(f"invited {args.email} (invitation {invitation.id}, deadline {_local(invitation.deadline, zone)})")
    for warning in invitations.email_advice(args.email):
        print(f"warning: {warning}", file=sys.stderr)
    print(f"link (shown only now): {settings.base_url}/i/{token}")
    return 0


def _local(moment: datetime, zone: str) -> str:
    """A deadline as the interview's candidates read it, with the zone named."""
    from boxinterview.domain import deadlines

    return f"{moment.astimezone(deadlines.zone(zone)):%Y-%m-%d %H:%M} {zone}"


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).expanduser().read_bytes()
    except FileNotFoundError:
        raise BoxError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise BoxError(f"{name} is a folder; give the path of the CSV file in it") from None
    except OSError as exc:
        raise BoxError(f"{name}: cannot be read ({exc.strerror})") from None


def _invite_file(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import deadlines, interviews, invite_csv

    if args.extra_time != 1.0:
        raise BoxError("extra time is for one candidate; in a CSV file give it in an extra_time column")
    data = _read(args.csv)
    with _open(settings) as db:
        deadline = deadlines.of_interview(db, args.interview, args.deadline or "")
        found = invite_csv.preview(db, args.interview, data, encoding=args.encoding)
        zone = interviews.get(db, args.interview).time_zone
        print(f"{args.csv}: {found.how_read()}")
        for row in found.rows:  # every row, so the operator sees the names as read before anything is written
            who = " ".join(filter(None, (row.name, f"<{row.email}>" if row.email else ""))) or "(no name)"
            if not row.ok:
                print(f"line {row.line}: {who}: {'; '.join(row.problems)}")
                continue
            due = row.deadline or deadline
            details = [f"deadline {_local(due, zone)}" if due else "the interview's deadline"]
            details += [f"extra time ×{row.extra_time:g}"] if row.extra_time != 1 else []
            details += [f"note: {note}" for note in row.notes]
            print(f"line {row.line}: ok: {who}, {', '.join(details)}")
        print(
            f"{found.good} row(s) can be invited"
            + (f"; {found.bad} row(s) have problems and will be left out" if found.bad else "")
        )
        if args.dry_run or not found.good:
            print("nothing was written" + (" (--dry-run)" if args.dry_run else ""))
            return 1 if found.bad else 0
        if not args.yes:
            if not sys.stdin.isatty():
                raise BoxError(
                    "nothing was written: pass --yes to invite the good rows, or --dry-run to only check"
                )
            answer = input(f"Invite {found.good} candidate(s) to interview {args.interview} now? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("nothing was written")
                return 1
        rows = [
            dataclasses.replace(r, deadline=deadline) if r.deadline is None and deadline else r
            for r in found.rows
        ]
        done = invite_csv.invite_rows(
            db, args.interview, rows, _actor(), Letterhead.from_settings(settings), settings.base_url
        )
    for row, invitation_id, link in done.invited:
        print(f"line {row.line}: invited {row.name} <{row.email}> (invitation {invitation_id}): {link}")
    for row, why in done.refused:
        print(f"line {row.line}: {row.email} was not invited: {why}", file=sys.stderr)
    left_out = found.bad + len(done.refused)
    print(
        f"invited {len(done.invited)} candidate(s); their invitations are queued to be sent"
        + (f"; {left_out} row(s) left out" if left_out else "")
    )
    return 1 if left_out else 0
