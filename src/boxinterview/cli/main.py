"""The `boxinterview` command. Each subcommand parses its arguments, calls core services and prints.

This is the composition root: `serve` and `console` import the web and console faces here, lazily, so the core
itself never depends on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from boxinterview import __version__, i18n
from boxinterview.cli import data as commands_data
from boxinterview.cli import runners as commands_runners
from boxinterview.cli import users as commands_users
from boxinterview.cli import webhooks as commands_webhooks
from boxinterview.cli.appliance import (
    cmd_caddy,
    cmd_jobs,
    cmd_mail,
    cmd_recordings,
    cmd_worker,
    register_tokens,
)
from boxinterview.cli.base import Command, SubParsers, run, whole_argument
from boxinterview.cli.base import actor as _actor
from boxinterview.cli.base import open_db as _open
from boxinterview.cli.invite import cmd_invite
from boxinterview.config.settings import ConfigError, Settings, documented_settings, env_name, load_settings
from boxinterview.errors import BoxError
from boxinterview.mail.letters import Letterhead
from boxinterview.ops import datadir, logs
from boxinterview.store import migrations

if TYPE_CHECKING:
    from boxinterview.domain.models import Interview


# -- commands ----------------------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    path = datadir.init(settings.data_dir)
    print(f"created {path} (schema version {migrations.HEAD})")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    if args.dump_schema is not None:
        text = migrations.fresh_dump()
        if args.dump_schema == "-":
            sys.stdout.write(text)
        else:
            Path(args.dump_schema).write_text(text)
            print(f"wrote the schema at version {migrations.HEAD} to {args.dump_schema}")
        return 0
    if args.init and not settings.database_path.exists():
        print(f"created {datadir.init(settings.data_dir)}")
        return 0
    before, applied = datadir.migrate(settings.data_dir)
    if applied:
        print(f"migrated {settings.database_path} from schema version {before} to {applied[-1]}")
    else:
        print(f"{settings.database_path} is already at schema version {before}; nothing to do")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.cli import demo

    if not settings.database_path.exists():
        datadir.init(settings.data_dir)
    with _open(settings) as db:
        result = demo.run(db, settings)
        if args.candidates:
            from boxinterview.cli import demo_history as synthetic
            from boxinterview.domain import interviews

            synthetic.add(db, interviews.get(db, result.interview_id), args.candidates)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
        return 0
    print(
        f"Demo interview {result.interview_id} is open with {len(result.questions)} questions.\n\n"
        f"  Candidate link:  {result.candidate_url}\n"
        f"  Reviewer sign-in: {result.base_url}/login (assigned to this interview)\n"
        f"      e-mail:      {result.reviewer_email}\n"
        f"      password:    {result.reviewer_password}\n\n"
        "Each run of `boxinterview demo` adds a new candidate link and sets a new reviewer password."
    )
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.web.app import serve  # the web face, loaded only to serve

    host = args.host or settings.server.host
    port = args.port or settings.server.port
    # Open once up front so a missing or outdated database is reported before anything listens.
    _open(settings).close()
    serve(settings, host=host, port=port)
    return 0


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.ops import datadir
    from boxinterview.tui.app import run  # the console face

    _open(settings).close()
    with datadir.in_use(settings.data_dir):
        return run(settings)


def cmd_interview_list(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import interviews

    with _open(settings) as db:
        rows = interviews.summaries(db)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "title": s.title,
                        "role": s.role,
                        "status": s.status.value,
                        "version": s.version,
                        "questions": s.questions,
                        "invited": s.invited,
                        "started": s.started,
                        "completed": s.completed,
                    }
                    for s in rows
                ],
                indent=2,
            )
        )
        return 0
    if not rows:
        print("no interviews yet: `boxinterview interview import FILE.yaml` creates one")
        return 0
    print(f"{'ID':>4}  {'STATUS':<7} {'V':>2}  {'Q':>2}  {'INVITED':>7} {'DONE':>5}  TITLE")
    for s in rows:
        print(
            f"{s.id:>4}  {s.status.value:<7} {s.version:>2}  {s.questions:>2}  {s.invited:>7} {s.completed:>5}  {s.title}"
        )
    return 0


def cmd_interview_export(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import interview_io, interviews

    with _open(settings) as db:
        text = interview_io.to_yaml(interviews.get(db, args.id))
    if args.output and args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote interview {args.id} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _read_template(name: str) -> Interview:
    from boxinterview.domain import interview_io

    path = Path(name)
    try:
        text = sys.stdin.read() if name == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BoxError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise BoxError(f"{path}: not a UTF-8 text file; save it as UTF-8 YAML") from None
    return interview_io.from_yaml(text, str(path))


def cmd_interview_import(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import interviews

    iv = _read_template(args.file)
    with _open(settings) as db:
        new_id = interviews.create(db, iv, _actor())
        for warning in interviews.advice(iv):
            print(f"advice: {warning}", file=sys.stderr)
    print(
        f"imported interview {new_id} ({iv.title}) as a draft; open it with `boxinterview interview open {new_id}`"
    )
    return 0


def cmd_interview_update(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import interviews, invitations

    iv = _read_template(args.file)
    with _open(settings) as db:
        changed = interviews.update(db, args.id, iv, _actor())
        invited = len(invitations.listing(db, args.id))
        for warning in interviews.advice(iv):
            print(f"advice: {warning}", file=sys.stderr)
    print(f"updated interview {args.id} ({iv.title}) from {args.file}")
    for line in changed:
        print(f"  changed {line}")
    if invited and any(c.startswith(("language", "time zone", "default deadline")) for c in changed):
        print(
            f"warning: {invited} candidate(s) are invited already: they read the new language and time zone from "
            "now on; the messages already sent stay as they were, and their own deadlines do not change "
            "(`boxinterview interview export` shows what is set; a file leaves out what it does not say, so "
            "write language, time_zone and deadline in it to keep them)",
            file=sys.stderr,
        )
    return 0


def cmd_interview_messages(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import interviews, wording

    with _open(settings) as db:
        interview = interviews.get(db, args.id)
    for p in wording.previews(interview, settings.organisation.name, args.kind or ""):
        source = "this interview's wording" if p.own else "standard wording"
        print(f"=== {p.kind}: {p.description} ({source})\nSubject: {p.letter.subject}\n\n{p.letter.text}")
    return 0


def _status_command(status_name: str) -> Command:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        from boxinterview.domain import interviews
        from boxinterview.domain.models import InterviewStatus

        with _open(settings) as db:
            interviews.set_status(db, args.id, InterviewStatus(status_name), _actor())
        print(f"interview {args.id} is now {status_name}")
        return 0

    return run


def cmd_interview_duplicate(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import interviews

    with _open(settings) as db:
        new_id = interviews.duplicate(db, args.id, _actor())
        version = interviews.get(db, new_id).version
    print(f"interview {new_id} is a new draft (version {version}) copied from interview {args.id}")
    return 0


def cmd_resend(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import invitations

    with _open(settings) as db:
        invitations.resend(db, args.invitation, Letterhead.from_settings(settings), _actor())
    print(f"invitation {args.invitation} is queued to be sent again, with a fresh link")
    return 0


def cmd_config_check(args: argparse.Namespace, settings: Settings) -> int:
    from email.headerregistry import Address

    from boxinterview import storage
    from boxinterview.mail import addresses

    print(f"config OK ({settings.source}); data in {settings.data_dir}; serving on {settings.base_url}")
    sender = addresses.parse(settings.smtp.sender, "smtp.from")  # checked when the settings were read
    shown = Address(sender.display_name or settings.organisation.name, sender.username, sender.domain)
    print(f"e-mail goes out from {shown}; envelope sender {sender.addr_spec}")
    for key, value in (
        ("smtp.from", settings.smtp.sender),
        ("smtp.reply_to", settings.smtp.reply_to),
        ("smtp.operator", settings.smtp.operator),
    ):
        if value and (warning := addresses.advice(value)):
            print(f"warning: {key}: {warning}", file=sys.stderr)
    if (bucket := storage.open_bucket(settings.storage)) is not None:
        bucket.check()  # raises, saying which setting to fix
        print(f"finished recordings move to bucket {bucket.name} at {settings.storage.endpoint_url}")
    return 0


def cmd_config_show(args: argparse.Namespace, settings: Settings) -> int:
    print(f"# from {settings.source}")
    for key, _doc, _default in documented_settings():
        value: object = settings
        for part in key.split("."):
            value = getattr(value, "sender" if part == "from" else part)
        shown = "(hidden)" if key == "storage.secret_key" and value else value
        print(f"{key} = {shown}    # {env_name(key)}")
    return 0


def cmd_config_docs(args: argparse.Namespace, settings: Settings) -> int:
    print("| Key | Default | Environment variable | What it does |")
    print("| --- | --- | --- | --- |")
    for key, doc, default in documented_settings():
        shown = f"`{default}`" if default != "" else "(empty)"
        print(f"| `{key}` | {shown} | `{env_name(key)}` | {doc} |")
    return 0


# -- parser ------------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boxinterview",
        description="Self-hosted one-way video interviews: candidates record, reviewers score, you run it.",
    )
    parser.add_argument("--version", action="version", version=f"boxinterview {__version__}")
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="settings file (default: $BOXINTERVIEW_CONFIG, ./boxinterview.yaml, /etc/boxinterview/config.yaml)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, func: Command, help_text: str, parent: SubParsers = sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    add("init", cmd_init, "create the data directory and a new database")
    p = add("migrate", cmd_migrate, "upgrade the database to this version's schema")
    p.add_argument("--init", action="store_true", help="create the database when there is none yet")
    p.add_argument(
        "--dump-schema",
        nargs="?",
        const="-",
        metavar="FILE",
        help="write the schema every step together makes to FILE (or print it), touching no database",
    )
    p = add("demo", cmd_demo, "create a demo interview, a reviewer and a candidate link")
    p.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    p.add_argument(
        "--candidates",
        type=whole_argument,
        default=0,
        metavar="N",
        help="also add N made-up candidates with plausible histories, for the insight pages",
    )
    p = add("serve", cmd_serve, "run the web server")
    p.add_argument("--host", help="listen address (default: server.host)")
    p.add_argument("--port", type=whole_argument, help="listen port (default: server.port)")
    add("console", cmd_console, "open the operator console")
    add("worker", cmd_worker, "process recordings (when not done inside `serve`)")
    p = add("recordings", cmd_recordings, "list recordings and their processing state")
    p.add_argument("--json", action="store_true", help="print a JSON list for scripts")
    p.add_argument("--state", choices=["uploading", "uploaded", "processing", "ready", "rejected", "failed"])
    p = add("jobs", cmd_jobs, "show the processing queue, or retry a failed job")
    p.add_argument("--json", action="store_true")
    p.add_argument("--retry", type=whole_argument, metavar="JOB_ID", help="queue a failed job again")

    interview = sub.add_parser("interview", help="list, export, import, open and close interviews")
    isub = interview.add_subparsers(dest="interview_command", metavar="ACTION", required=True)
    p = add("list", cmd_interview_list, "list interviews", isub)
    p.add_argument("--json", action="store_true")
    p = add("export", cmd_interview_export, "write an interview as a YAML template", isub)
    p.add_argument("id", type=whole_argument)
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output)")
    p = add("import", cmd_interview_import, "create a draft interview from a YAML template", isub)
    p.add_argument("file", metavar="FILE.yaml", help="template to read ('-' for standard input)")
    for name, text in (("open", "open an interview for invitations"), ("close", "close an interview")):
        p = add(name, _status_command("open" if name == "open" else "closed"), text, isub)
        p.add_argument("id", type=whole_argument)
    p = add("duplicate", cmd_interview_duplicate, "copy an interview into a new draft version", isub)
    p.add_argument("id", type=whole_argument)
    p = add("update", cmd_interview_update, "change an interview from an edited YAML template", isub)
    p.add_argument("id", type=whole_argument)
    p.add_argument("file", metavar="FILE.yaml", help="template to read ('-' for standard input)")
    p = add("messages", cmd_interview_messages, "preview what candidates of an interview are told", isub)
    p.add_argument("id", type=whole_argument)
    p.add_argument("--kind", help="one message only, e.g. invitation or outcome.reject")

    p = add(
        "invite",
        cmd_invite,
        "invite a candidate to an open interview and print their link, or everyone "
        "in a CSV file (checked and shown first)",
    )
    p.add_argument("interview", type=whole_argument, metavar="INTERVIEW_ID")
    p.add_argument("name", nargs="?", help="the candidate's name (not with --csv)")
    p.add_argument("email", nargs="?", help="the candidate's e-mail address (not with --csv)")
    p.add_argument(
        "--deadline",
        help="e.g. 2026-12-31 17:00, 31.12.2026 or 2026-12-31T17:00+01:00, without a zone in the interview's "
        "(default: the interview's; with --csv: for rows without one)",
    )
    p.add_argument(
        "--extra-time", type=float, default=1.0, metavar="X", help="accommodation: time multiplier"
    )
    p.add_argument(
        "--csv",
        metavar="FILE",
        help="invite everyone in a CSV file ('-' for standard input): columns "
        "name (or first and last name), email, optional deadline and extra_time",
    )
    p.add_argument(
        "--encoding", help="with --csv: the file's encoding, when the detected one is wrong (e.g. cp1250)"
    )
    p.add_argument(
        "--dry-run", action="store_true", help="with --csv: show every row and its problems, write nothing"
    )
    p.add_argument("--yes", action="store_true", help="with --csv: invite the good rows without asking")

    p = add("resend", cmd_resend, "send an invitation again with a fresh link (at most once an hour)")
    p.add_argument("invitation", type=whole_argument, metavar="INVITATION_ID")

    mail = sub.add_parser("mail", help="e-mail: test the SMTP server, look at the outbox")
    msub = mail.add_subparsers(dest="mail_command", metavar="ACTION", required=True)
    p = add("test", cmd_mail, "send a test message and report the server's answer", msub)
    p.add_argument("--to", required=True, metavar="ADDR")
    p = add("outbox", cmd_mail, "list queued, sent and failed messages (with the text to send by hand)", msub)
    p.add_argument("--limit", type=whole_argument, default=30)
    p.add_argument("--show", type=whole_argument, metavar="ID", help="print one message in full")

    register_tokens(add)

    commands_users.register(add, sub)
    commands_webhooks.register(add, sub)
    commands_runners.register(add, sub)
    commands_data.register(add)
    p = add(
        "caddy", cmd_caddy, "print the Caddy configuration (HTTPS in front of the server) from the settings"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead")

    config = sub.add_parser("config", help="check or show the settings")
    csub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    add("check", cmd_config_check, "validate the settings and say where they come from", csub)
    add("show", cmd_config_show, "print every setting with its value", csub)
    add("docs", cmd_config_docs, "print the table of settings for docs/configuration.md", csub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"boxinterview: config error: {problem}", file=sys.stderr)
        return 2
    logs.setup(settings.log_level)
    i18n.add_catalogue_dir(settings.data_dir / "locales")  # the operator's own languages, beside the shipped
    command: Command = args.func
    return run(command, args, settings)
