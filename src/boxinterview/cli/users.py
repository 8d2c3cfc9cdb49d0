"""Reviewer and admin accounts from the command line: `boxinterview user add | assign | role | password`."""

from __future__ import annotations

import argparse
from typing import Any

from boxinterview.cli.base import AddCommand, whole_argument
from boxinterview.cli.base import actor as _actor
from boxinterview.cli.base import open_db as _open
from boxinterview.config.settings import Settings


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import accounts
    from boxinterview.domain.models import Role

    with _open(settings) as db:
        account, password = accounts.create(db, args.email, Role(args.role), _actor(), name=args.name or "")
    print(f"created {account.role} {account.email}; password (shown only now): {password}")
    return 0


def cmd_user_assign(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import accounts

    with _open(settings) as db:
        accounts.assign(db, args.email, args.interview, _actor())
    print(f"{args.email} now reviews interview {args.interview}")
    return 0


def cmd_user_role(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import accounts
    from boxinterview.domain.models import Role

    with _open(settings) as db:
        account = accounts.set_role(db, args.email, Role(args.role), _actor())
    print(f"{account.email} is now {account.role.value}; they sign in again")
    return 0


def cmd_user_password(args: argparse.Namespace, settings: Settings) -> int:
    from boxinterview.domain import accounts

    with _open(settings) as db:
        password = accounts.reset_password(db, args.email, _actor())
    print(f"new password for {args.email} (shown only now; their sessions have ended):")
    print(password)
    return 0


def register(add: AddCommand, sub: Any) -> None:
    user = sub.add_parser("user", help="reviewer and admin accounts")
    usub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    p = add("add", cmd_user_add, "create an account and print its password", usub)
    p.add_argument("email")
    p.add_argument("--role", choices=["reviewer", "admin"], default="reviewer")
    p.add_argument("--name")
    p = add("assign", cmd_user_assign, "let a reviewer review an interview", usub)
    p.add_argument("email")
    p.add_argument("interview", type=whole_argument, metavar="INTERVIEW_ID")
    p = add("role", cmd_user_role, "make an account a reviewer or an admin (it is signed out)", usub)
    p.add_argument("email")
    p.add_argument("role", choices=["reviewer", "admin"])
    p = add(
        "password", cmd_user_password, "give an account a new password and print it (it is signed out)", usub
    )
    p.add_argument("email")
