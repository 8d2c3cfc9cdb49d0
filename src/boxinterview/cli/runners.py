"""Remote runners from the command line: the operator's registration tokens (`runner-token`) and runners
(`runners`), and `runner` itself, which runs on the other machine. See docs/scaling.md."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from boxinterview.cli.base import AddCommand, whole_argument
from boxinterview.cli.base import actor as _actor
from boxinterview.cli.base import open_db as _open
from boxinterview.config.settings import Settings


def _when(moment: datetime | str | None) -> str:
    if moment is None:
        return "-"
    moment = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def cmd_runner_token(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import runners

    with _open(settings) as db:
        if args.runner_token_command == "add":
            token = runners.create_registration_token(db, args.note, _actor())
            print("registration token (works once; give it to the runner's `--token`):")
            print(token)
        elif args.runner_token_command == "revoke":
            runners.revoke_registration_token(db, args.id, _actor())
            print(f"registration token {args.id} revoked")
        else:
            found = runners.registration_tokens(db)
            if args.json:
                print(json.dumps(found, indent=2))
                return 0
            if not found:
                print("no registration tokens; make one with `boxinterview runner-token add`")
            for t in found:
                if t["revoked_at"]:
                    state = f"revoked {_when(t['revoked_at'])}"
                elif t["used_at"]:
                    state = f"used {_when(t['used_at'])} by runner {t['runner_id']}"
                else:
                    state = "unused"
                print(f"{t['id']:>4}  made {_when(t['created_at'])}  {state}  {t['note']}")
    return 0


def cmd_runners(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import runners

    with _open(settings) as db:
        if args.runners_command == "remove":
            released = runners.remove(db, args.id, _actor())
            print(f"runner {args.id} removed: its token no longer works; {released} job(s) back in the queue")
            return 0
        found = runners.listing(db)
    if args.json:
        out: list[dict[str, Any]] = [
            {
                "id": r.id,
                "name": r.name,
                "address": r.address,
                "registered_at": r.registered_at.isoformat(),
                "last_seen_at": r.last_seen_at.isoformat() if r.last_seen_at else None,
                "jobs": [{"id": j.id, "subject_id": j.subject_id, "progress": j.progress} for j in jobs],
            }
            for r, jobs in found
        ]
        print(json.dumps(out, indent=2))
        return 0
    if not found:
        print("no runners; register one with a token from `boxinterview runner-token add`")
    for r, jobs in found:
        doing = ", ".join(f"job {j.id} ({j.progress:.0%})" for j in jobs) or "idle"
        print(f"{r.id:>4}  {r.name}  from {r.address or '-'}  last seen {_when(r.last_seen_at)}  {doing}")
    return 0


def cmd_runner(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    import signal

    import aiohttp

    from boxinterview.runner import state as saved
    from boxinterview.runner.client import Client, NotRegistered, Refused
    from boxinterview.runner.work import RunnerLoop, Tools

    if args.jobs < 1:
        print("boxinterview: error: --jobs is how many jobs at once: 1 or more", file=sys.stderr)
        return 2
    server = args.server.rstrip("/")
    if not server.startswith(("https://", "http://")):
        print(
            "boxinterview: error: --server is the server's address, e.g. https://interviews.example.com",
            file=sys.stderr,
        )
        return 2
    path = Path(args.state) if args.state else saved.default_path()
    token = args.token or os.environ.get("BOXINTERVIEW_RUNNER_TOKEN", "")
    tools = Tools(settings.media.ffmpeg, settings.media.ffprobe, settings.media.ffmpeg_threads)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        client = Client(server)
        try:
            known = saved.load(path)
            if known is not None and known.server == server:
                client.runner_token = known.runner_token
            elif token.startswith("bxreg_"):
                got = await client.register(token, args.name or socket.gethostname())
                known = saved.State(server, int(got["id"]), str(got["name"]), str(got["runner_token"]))
                saved.save(path, known)
                client.runner_token = known.runner_token
                print(
                    f"registered with {server} as runner {known.runner_id} ({known.name}); token saved in {path}"
                )
            elif token.startswith("bxrun_"):
                client.runner_token = token
            elif token:
                print(
                    "boxinterview: error: the --token given is neither a registration token (bxreg_…) nor a runner "
                    "token (bxrun_…): copy it again whole, or make a registration token with `boxinterview "
                    "runner-token add` on the server",
                    file=sys.stderr,
                )
                return 2
            else:
                print(
                    f"boxinterview: error: not registered with {server} yet ({path} has no token for it): give "
                    "--token with a registration token from `boxinterview runner-token add` on the server",
                    file=sys.stderr,
                )
                return 2
            if args.register_only:
                return 0
            done = await RunnerLoop(
                client, tools, args.jobs, Path(args.work_dir) if args.work_dir else None
            ).run(stop, once=args.once)
            print(f"runner stopped after {done} job(s)")
            return 0
        except NotRegistered as exc:
            print(
                f"boxinterview: error: the server does not accept this runner ({exc}); ask the operator for a new "
                f"registration token, remove {path} and register again",
                file=sys.stderr,
            )
            return 3
        except Refused as exc:
            print(f"boxinterview: error: the server refused: {exc}", file=sys.stderr)
            return 1
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:  # registering needs the server
            print(
                f"boxinterview: error: cannot reach {server} ({str(exc) or type(exc).__name__}): check --server and "
                "that the server is running and reachable from here, then try again",
                file=sys.stderr,
            )
            return 1
        finally:
            await client.close()

    return asyncio.run(main())


def register(add: AddCommand, sub: Any) -> None:
    p = add(
        "runner",
        cmd_runner,
        "process recordings for a server from this machine (registers first with a registration token)",
    )
    p.add_argument(
        "--server",
        required=True,
        metavar="URL",
        help="the server's address, e.g. https://interviews.example.com",
    )
    p.add_argument(
        "--token",
        metavar="TOKEN",
        help="a registration token (first time) or a runner token; default: the state file, or "
        "$BOXINTERVIEW_RUNNER_TOKEN",
    )
    p.add_argument("--name", help="how the operator sees this runner (default: the host name)")
    p.add_argument(
        "--state",
        metavar="FILE",
        help="where the runner token is kept (default: ~/.config/boxinterview/runner.json)",
    )
    p.add_argument("--jobs", type=whole_argument, default=1, metavar="N", help="jobs at once (default: 1)")
    p.add_argument(
        "--work-dir", metavar="DIR", help="where recordings are processed (default: the temporary directory)"
    )
    p.add_argument("--once", action="store_true", help="stop once the queue is empty")
    p.add_argument("--register-only", action="store_true", help="register, save the state file and stop")

    t = sub.add_parser("runner-token", help="one-time tokens remote runners register with")
    tsub = t.add_subparsers(dest="runner_token_command", metavar="ACTION", required=True)
    q = add("add", cmd_runner_token, "make a registration token and print it once", tsub)
    q.add_argument("--note", default="", help="which machine it is for")
    q = add("list", cmd_runner_token, "list registration tokens (never the tokens themselves)", tsub)
    q.add_argument("--json", action="store_true")
    q = add("revoke", cmd_runner_token, "stop an unused registration token from working", tsub)
    q.add_argument("id", type=whole_argument)

    r = sub.add_parser("runners", help="the remote runners registered with this server")
    rsub = r.add_subparsers(dest="runners_command", metavar="ACTION", required=True)
    q = add("list", cmd_runners, "list runners, when each was last seen and the jobs it holds", rsub)
    q.add_argument("--json", action="store_true")
    q = add(
        "remove", cmd_runners, "remove a runner: its token stops working, its jobs go back to the queue", rsub
    )
    q.add_argument("id", type=whole_argument)
