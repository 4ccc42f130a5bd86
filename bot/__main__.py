"""Command line: `python -m bot run|run-cluster|train|shell`, `rules check|status|route <text>|graph <id>`,
`guide <id>`, `conversation show <id>`, `privacy purge|rekey`, `desk add-agent <login>`, `callbacks list`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from bot.profile import settings_or_exit


def _rules(args: argparse.Namespace) -> int:
    from bot.catalogue.lint import check

    root = Path(getattr(args, "rules", None) or settings_or_exit().rules_dir)
    if args.rules_command == "status":
        from bot.catalogue.status_report import report

        settings = settings_or_exit()
        return report(root, settings.var_dir / "rules-status", settings.cache_dir, sys.stdout)
    if args.rules_command == "route":
        return _route(root, args.text)
    if args.rules_command == "check":
        problems = check(root)
        for problem in problems:
            print(problem)
        errors = [p for p in problems if p.severity == "error"]
        if not errors:
            print(f"{root}: rules ok ({len(problems)} warnings)", file=sys.stderr)
        return 1 if errors else 0
    cat, failed = _catalogue_with(root, args.bundle_id)
    if cat is None:
        return failed
    from bot.catalogue.graph import to_dot, to_mermaid

    text = (to_dot if args.format == "dot" else to_mermaid)(cat, args.bundle_id)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _route(root: Path, text: str) -> int:
    """What the router makes of a need, from the files on disk (as a running service would once
    they are live): the candidates with their shares, and bundles whose not_examples bar it."""
    from bot.catalogue import CatalogueError, load_catalogue
    from bot.engine.engine import Engine
    from bot.engine.routing_examples import load_routing_examples

    try:
        engine = Engine(load_catalogue(root), load_routing_examples(settings_or_exit().data_dir / "nlu" / "bundles"))
    except CatalogueError as exc:
        print(exc, file=sys.stderr)
        return 1
    candidates = engine.route(text, 3)
    for candidate in candidates:
        print(f"{candidate.score:6.1%}  {candidate.bundle_id}  {candidate.name}")
    if not candidates:
        print("no bundle fits this text")
    barred = engine.router.barred(text)
    if barred:
        print(f"kept away by not_examples: {', '.join(barred)}")
    return 0


def _catalogue_with(root: Path, bundle_id: str):
    """The loaded catalogue if it holds `bundle_id`, else (None, exit code) after saying why."""
    from bot.catalogue import CatalogueError, load_catalogue

    try:
        cat = load_catalogue(root)
    except CatalogueError as exc:
        print(exc, file=sys.stderr)
        return None, 1
    if bundle_id not in cat.bundles:
        print(f"unknown bundle {bundle_id!r}; known: {', '.join(cat.bundles)}", file=sys.stderr)
        return None, 2
    return cat, 0


def _guide(args: argparse.Namespace) -> int:
    from bot.guide_cli import guide

    cat, failed = _catalogue_with(Path(args.rules or settings_or_exit().rules_dir), args.bundle_id)
    if cat is None:
        return failed
    return 0 if guide(cat, args.bundle_id, explain=args.explain) is not None else 1


def _conversation(args: argparse.Namespace) -> int:
    from bot.conversation_cli import show

    return show(settings_or_exit(), args.conversation_id)


def _privacy(args: argparse.Namespace) -> int:
    import asyncio

    from bot.db import DatabaseUnavailable, open_database
    from bot.retention import purge, rekey
    from bot.sealing import Sealer

    settings = settings_or_exit()
    db, sealer = open_database(settings.db_url), Sealer.from_settings(settings)
    try:
        if args.privacy_command == "purge":
            counts = asyncio.run(purge(db, sealer, args.days or settings.retention_days))
        else:
            counts = asyncio.run(rekey(db, sealer))
    except DatabaseUnavailable as error:
        print(f"error: the database cannot be used: {error}", file=sys.stderr)
        return 1
    print(", ".join(f"{name}: {count}" for name, count in counts.items()))
    return 0


def _launcher(args: argparse.Namespace) -> int:
    from bot.launcher import cli

    return cli.main(args.command, args)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    sub = parser.add_subparsers(dest="command", required=True)

    # --rules is accepted before or after the sub-command (`rules check --rules x`).
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument("--rules", default=argparse.SUPPRESS, help="rules folder (default: rules/)")
    rules = sub.add_parser("rules", help="check or draw the rules catalogue", parents=[folder])
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    rules_sub.add_parser("check", help="lint every rules file; non-zero exit on errors", parents=[folder])
    route = rules_sub.add_parser("route", parents=[folder], help="which bundles a need is routed to")
    route.add_argument("text")
    rules_sub.add_parser("status", parents=[folder],
                         help="what the running services serve; whether the last rules change went live")
    graph = rules_sub.add_parser("graph", help="write a bundle's questionnaire as a graph", parents=[folder])
    graph.add_argument("bundle_id")
    graph.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    graph.add_argument("-o", "--output")
    rules.set_defaults(handler=_rules)

    guide = sub.add_parser("guide", help="walk a bundle's questionnaire in the terminal")
    guide.add_argument("bundle_id")
    guide.add_argument("--rules")
    guide.add_argument("--explain", action="store_true", help="print the trace at the end")
    guide.set_defaults(handler=_guide)

    conversation = sub.add_parser("conversation", help="read a conversation back")
    conversation_sub = conversation.add_subparsers(dest="conversation_command", required=True)
    show = conversation_sub.add_parser("show", help="print its transcript (masked), stage and mode")
    show.add_argument("conversation_id")
    conversation.set_defaults(handler=_conversation)

    privacy = sub.add_parser("privacy", help="retention and data keys")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    purge = privacy_sub.add_parser("purge", help="anonymise conversations older than the retention period")
    purge.add_argument("--days", type=int, default=0, help="retention in days (default: BOT_RETENTION_DAYS)")
    privacy_sub.add_parser("rekey", help="seal every stored personal value again under the first data key")
    privacy.set_defaults(handler=_privacy)

    from bot.desk.cli import register as register_desk

    register_desk(sub)

    for name, text in (("run", "start every service (the embedded default)"),
                       ("run-cluster", "start the cluster profile: PostgreSQL, Redis, several Rasa and "
                                       "action servers behind nginx"),
                       ("train", "train the model if its inputs changed"),
                       ("shell", "talk to the bot in the terminal")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--no-train", action="store_true", help="refuse to train; fail if the model is stale")
        cmd.set_defaults(handler=_launcher)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
