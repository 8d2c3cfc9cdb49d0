"""Operator commands for running the appliance: the worker, recordings and jobs, e-mail, API tokens, Caddy.
The parser in `cli.main` wires them up."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from boxinterview.cli.base import AddCommand
from boxinterview.cli.base import actor as _actor
from boxinterview.cli.base import open_db as _open
from boxinterview.config.settings import Settings
from boxinterview.errors import BoxError


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    import signal

    from boxinterview.pipeline.worker import Worker

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        from boxinterview.ops import datadir

        with datadir.in_use(settings.data_dir), _open(settings) as db:
            await Worker(db, settings).run(stop)

    asyncio.run(main())
    return 0


def cmd_caddy(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.ops import proxy

    text = proxy.caddyfile(settings)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(
            f"wrote {args.output}; check it with: caddy validate --adapter caddyfile --config {args.output}"
        )
    else:
        sys.stdout.write(text)
    return 0


def cmd_recordings(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses

    from boxinterview.domain import recordings

    with _open(settings) as db:
        found = recordings.listing(db, args.state)
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in found], indent=2))
        return 0
    if not found:
        print("no recordings" + (f" in state {args.state}" if args.state else ""))
        return 0
    print(f"{'ID':>5}  {'STATE':<10} {'INV':>5} {'Q':>4} {'TAKE':>4} {'SECONDS':>7}  REASON / FILE")
    for r in found:
        seconds = f"{r.duration_ms / 1000:.1f}" if r.duration_ms is not None else "-"
        detail = r.reason or r.playback_path or r.original_path or ""
        print(
            f"{r.id:>5}  {r.state:<10} {r.invitation_id:>5} {r.question_id:>4} {r.take:>4} {seconds:>7}  {detail}"
        )
    return 0


def cmd_jobs(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.pipeline import job_queue as jobs

    with _open(settings) as db:
        if args.retry:
            jobs.retry(db, args.retry, _actor())
            print(f"job {args.retry} is queued again")
            return 0
        counts, recent = jobs.overview(db)
    if args.json:
        print(json.dumps({"counts": counts, "jobs": [jobs.as_dict(j) for j in recent]}, indent=2))
        return 0
    print("  ".join(f"{state}: {n}" for state, n in counts.items()))
    for j in recent:
        print(
            f"{j.id:>5}  {j.state:<8} {j.kind} {j.subject_id}  attempts {j.attempts}/{j.max_attempts}  {j.last_error}"
        )
    return 0


def cmd_mail(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from boxinterview.mail import sender
    from boxinterview.store import outbox

    if args.mail_command == "test":
        try:
            reply = asyncio.run(sender.send_test(settings, args.to))
        except BoxError:
            raise
        except Exception as exc:  # noqa: BLE001 - the point is to report what the server said
            print(
                f"the SMTP server {settings.smtp.host}:{settings.smtp.port} did not accept it: {exc}",
                file=sys.stderr,
            )
            return 1
        print(f"sent to {args.to}; {settings.smtp.host} answered: {reply}")
        return 0
    with _open(settings) as db:
        counts = db.read(outbox.counts)
        recent = db.read(outbox.recent, args.limit)
        found = db.read(outbox.get, args.show) if args.show else None
    print("  ".join(f"{state}: {n}" for state, n in counts.items()))
    for m in recent:
        detail = m["last_error"] or (m["sent_at"] or "")
        print(
            f"{m['id']:>5}  {m['state']:<8} {m['kind']:<16} {m['recipient']:<30} {m['subject'][:40]}  {detail}"
        )
    if args.show:
        if found is None:
            raise BoxError(f"no message {args.show} in the outbox")
        print(f"\nTo: {found['recipient']}\nSubject: {found['subject']}\n\n{found['body']}")
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import api

    with _open(settings) as db:
        if args.token_command == "add":
            scopes = api.parse_scopes(args.scopes)
            token = api.create_token(db, args.name, _actor(), scopes)
            print(f"API token for {args.name}, may {', '.join(scopes)} (shown only now): {token}")
        elif args.token_command == "revoke":
            api.revoke_token(db, args.name, _actor())
            print(f"revoked the API token {args.name}")
        else:
            found = api.tokens(db)
            if not found:
                print("no API tokens yet: boxinterview token add NAME --scopes read,invite,decide")
            for t in found:
                state = f"revoked {t['revoked_at'][:16]}" if t["revoked_at"] else "active"
                used = (t["last_used_at"] or "never")[:16]
                print(
                    f"{t['name']:<24} {t['scopes']:<20} {state:<24} made {t['created_at'][:10]}, last used {used}"
                )
    return 0


def register_tokens(add: AddCommand) -> None:
    p = add("token", cmd_token, "API tokens for integrations, with what each may do")
    tsub = p.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    q = add("add", cmd_token, "make a token and print it once", tsub)
    q.add_argument("name", help="what the token is for, e.g. the system that uses it")
    q.add_argument(
        "--scopes",
        default="read",
        help="what it may do, comma-separated: read, invite, decide (default: read)",
    )
    q = add("revoke", cmd_token, "stop a token from working", tsub)
    q.add_argument("name", help="the token's name")
    add("list", cmd_token, "list the tokens: name, scopes, last used (never the token itself)", tsub)
