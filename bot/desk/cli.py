"""`python -m bot desk add-agent …` and `python -m bot callbacks list`: staff accounts and the
call-back requests citizens left, from the terminal (phones masked)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time

from bot.db import open_database
from bot.desk.accounts import MIN_PASSWORD, AccountError, Accounts
from bot.desk.rules import desk_rules
from bot.desk.tickets import Tickets
from bot.privacy import mask_phone
from bot.settings import get_settings


def add_agent(args: argparse.Namespace) -> int:
    settings = get_settings()
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(
        f"password for {args.login} (at least {MIN_PASSWORD} characters): ")
    accounts = Accounts(open_database(settings.db_url))
    try:
        made = accounts.add_sync(args.login, args.name or args.login, password, role=args.role,
                                 capacity=args.capacity, staff_id=args.staff_id)
    except AccountError as error:
        print(f"error: could not add {args.login!r}: {error.code}", file=sys.stderr)
        return 1
    print(f"added {made.role} {made.login} (工号 {made.staff_id}, capacity {made.capacity})")
    return 0


def list_callbacks(args: argparse.Namespace) -> int:
    settings = get_settings()
    rules = desk_rules(settings.rules_dir)
    tickets = Tickets(open_database(settings.db_url), rules)
    state = None if args.all else "open"
    found = asyncio.run(tickets.listing(state=state, kind="callback"))
    if not found:
        print("no call-back requests" + ("" if args.all else " open"))
        return 0
    now = time.time()
    for t in found:
        due = rules.local(t.due_at).strftime("%Y-%m-%d %H:%M")
        late = " OVERDUE" if t.state == "open" and t.due_at < now else ""
        phone = mask_phone(t.phone) if t.phone else "-"
        print(f"{t.ticket_no}  {t.state:<6} due {due}{late}  {phone}  {t.subject}  ({t.conversation_id or '-'})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    desk = sub.add_parser("desk", help="agent desk accounts")
    desk_sub = desk.add_subparsers(dest="desk_command", required=True)
    add = desk_sub.add_parser("add-agent", help="add an agent or supervisor (asks for the password)")
    add.add_argument("login")
    add.add_argument("--name", default="")
    add.add_argument("--role", choices=["agent", "supervisor"], default="agent")
    add.add_argument("--capacity", type=int, default=3, help="conversations held at once (default 3)")
    add.add_argument("--staff-id", default=None, help="工号, four digits (default: the next free one)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=add_agent)

    callbacks = sub.add_parser("callbacks", help="call-back requests left by citizens (转人工 with nobody online)")
    callbacks_sub = callbacks.add_subparsers(dest="callbacks_command", required=True)
    listing = callbacks_sub.add_parser("list", help="open call-back 工单, oldest due first (phones masked)")
    listing.add_argument("--all", action="store_true", help="closed ones too")
    listing.set_defaults(handler=list_callbacks)
