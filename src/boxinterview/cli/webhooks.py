"""The webhook commands: endpoints (add, list, rotate, disable, enable, remove) and the delivery log (deliveries,
resend). See docs/integrations.md."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta
from typing import Any

from boxinterview.cli.base import AddCommand, whole_argument
from boxinterview.cli.base import actor as _actor
from boxinterview.cli.base import open_db as _open
from boxinterview.config.settings import Settings
from boxinterview.domain import webhooks


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC" if moment else "-"


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))


def cmd_webhook(args: argparse.Namespace, settings: Settings) -> int:
    action = args.webhook_command
    with _open(settings) as db:
        if action == "add":
            endpoint, secret = webhooks.add(db, args.url, args.events, args.description, _actor())
            print(f"webhook endpoint {endpoint.id}: {endpoint.url} ({endpoint.events_text})")
            print(
                f"signing secret (give it to the receiver; `webhook rotate {endpoint.id}` makes a new one):"
            )
            print(secret)
        elif action == "list":
            found = webhooks.endpoints(db)
            if args.json:
                print(_json([e.__dict__ for e in found]))
                return 0
            if not found:
                print("no webhook endpoints; add one with `boxinterview webhook add URL`")
            for e in found:
                state = "enabled" if e.enabled else f"DISABLED: {e.disabled_reason}"
                print(f"{e.id:>4}  {e.url}  [{state}]")
                print(
                    f"      events: {e.events_text}; queued {e.queued}, failed {e.failed}; last attempt {_when(e.last_attempt_at)}"
                )
                if e.description:
                    print(f"      {e.description}")
        elif action == "rotate":
            grace = timedelta(
                hours=settings.webhooks.secret_grace_hours if args.grace_hours is None else args.grace_hours
            )
            secret = webhooks.rotate(db, args.id, grace, _actor())
            print(
                f"new signing secret for endpoint {args.id} (the old one also signs for {grace.total_seconds() / 3600:g} h):"
            )
            print(secret)
        elif action in ("disable", "enable"):
            webhooks.set_enabled(db, args.id, action == "enable", _actor(), getattr(args, "reason", "") or "")
            print(f"webhook endpoint {args.id} {action}d")
        elif action == "remove":
            webhooks.remove(db, args.id, _actor())
            print(f"removed webhook endpoint {args.id} and its delivery log")
        elif action == "deliveries":
            shown = webhooks.deliveries(db, args.endpoint, args.limit)
            if args.json:
                print(_json([d.__dict__ for d in shown]))
                return 0
            for d in shown:
                code = d.last_status if d.last_status is not None else "-"
                nxt = f"; next {_when(d.next_attempt_at)}" if d.state == "queued" else ""
                if d.delivered_at:
                    nxt = f"; delivered {_when(d.delivered_at)}"
                print(
                    f"{d.id:>6}  {d.type:<20} {d.message_id}  endpoint {d.endpoint_id}  {d.state:<9} "
                    f"attempts {d.attempts}  last {code}{nxt}"
                )
                if d.last_error:
                    print(f"        {d.last_error}")
        elif action == "resend":
            again = webhooks.send_again(db, args.delivery, _actor())
            print(f"delivery {again.id} ({again.message_id}) queued to send again to {again.url}")
    return 0


def register(add: AddCommand, sub: Any) -> None:
    hook = sub.add_parser(
        "webhook", help="webhooks to an applicant tracking system: endpoints and deliveries"
    )
    wsub = hook.add_subparsers(dest="webhook_command", metavar="ACTION", required=True)
    p = add("add", cmd_webhook, "add an endpoint and print its signing secret", wsub)
    p.add_argument("url", help="where to POST the events, e.g. https://ats.example.com/hooks/boxinterview")
    p.add_argument(
        "--events",
        nargs="+",
        metavar="TYPE",
        help=f"the event types it wants (default: all): {', '.join(webhooks.EVENT_TYPES)}",
    )
    p.add_argument("--description", default="", help="what the endpoint is, for the operator")
    p = add("list", cmd_webhook, "list the endpoints", wsub)
    p.add_argument("--json", action="store_true")
    p = add("rotate", cmd_webhook, "make a new signing secret; the old one signs too for a while", wsub)
    p.add_argument("id", type=whole_argument)
    p.add_argument(
        "--grace-hours", type=float, help="how long the old secret still signs (default: the setting)"
    )
    p = add("disable", cmd_webhook, "stop sending to an endpoint (what waits for it is cancelled)", wsub)
    p.add_argument("id", type=whole_argument)
    p.add_argument("--reason", default="", help="why, shown with the endpoint")
    p = add("enable", cmd_webhook, "send to an endpoint again", wsub)
    p.add_argument("id", type=whole_argument)
    p = add("remove", cmd_webhook, "remove an endpoint with its secrets and delivery log", wsub)
    p.add_argument("id", type=whole_argument)
    p = add("deliveries", cmd_webhook, "the delivery log: state, attempts, last answer, next attempt", wsub)
    p.add_argument("--endpoint", type=whole_argument, metavar="ID", help="one endpoint's only")
    p.add_argument("--limit", type=whole_argument, default=50)
    p.add_argument("--json", action="store_true")
    p = add("resend", cmd_webhook, "send a delivery again now, with the same webhook-id", wsub)
    p.add_argument("delivery", type=whole_argument, metavar="DELIVERY_ID")
