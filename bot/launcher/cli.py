"""`make run`, `make run-cluster`, `make train`, `make shell`: one clear line and a non-zero exit
on any failure."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from typing import Callable, Optional

from bot.catalogue import CatalogueError, load_catalogue
from bot.launcher.model import ModelError, ensure_model
from bot.launcher.process import StartupError
from bot.launcher.stack import Stack
from bot.profile import ProfileError, checked, settings_or_exit
from bot.settings import Settings


class _Stop(Exception):
    pass


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr, flush=True)
    return 1


def _check_rules(settings: Settings) -> None:
    try:
        load_catalogue(settings.rules_dir, settings.cache_dir)
    except CatalogueError as exc:
        first = exc.problems[0] if exc.problems else "unknown problem"
        more = f" (and {len(exc.problems) - 1} more; run `make lint`)" if len(exc.problems) > 1 else ""
        raise StartupError(f"invalid rules: {first}{more}") from None


def start_stack(settings: Settings, allow_training: Optional[bool]) -> Stack:
    try:
        settings = checked(settings)
    except ProfileError as error:
        raise StartupError(str(error)) from None
    _check_rules(settings)
    stack = Stack(settings, model=settings.models_dir / "unused")
    stack.check_ports()  # before training: a taken port should not cost a training run
    stack.model = ensure_model(settings, allow_training=allow_training)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    stack.start()
    return stack


def run(settings: Settings, allow_training: Optional[bool],
        start: Callable[[Settings, Optional[bool]], Stack] = start_stack) -> int:
    """Start (the embedded default, or another profile's `start`), print the URLs, watch."""
    def on_signal(signum, _frame):
        # Once: a second Ctrl-C (or a SIGTERM from a wrapper) must not cut the shutdown short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise _Stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stack: Optional[Stack] = None
    try:
        started = time.monotonic()
        stack = start(settings, allow_training)
        print(f"ready in {time.monotonic() - started:.1f}s — press Ctrl-C to stop", flush=True)
        for name, url in stack.urls().items():
            print(f"  {name:<52} {url}", flush=True)
        _print_demo_agent(settings)
        while True:
            dead = stack.first_exited()
            if dead is not None:
                stack.stop()
                return _fail(f"{dead.name} stopped unexpectedly: {dead.last_error()}")
            time.sleep(0.5)
    except _Stop:
        print("stopping…", flush=True)
        return 0
    except (StartupError, ModelError) as exc:
        return _fail(str(exc))
    finally:
        if stack is not None:
            stack.stop()


def _print_demo_agent(settings: Settings) -> None:
    """The embedded profile's desk login, so that a newcomer can take over their own widget
    conversation from a second tab (production has no demo agent)."""
    from bot.db import Database
    from bot.desk.accounts import ensure_demo_agent

    db = Database(settings.db_url)
    try:
        db.create_schema()
        login = ensure_demo_agent(settings, db)
    finally:
        db.close()
    if login:
        print(f"  {'agent desk demo login (user / password)':<52} {login[0]} / {login[1]}", flush=True)


def main(command: str, args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    allow = False if getattr(args, "no_train", False) else None
    if command == "train":
        try:
            path = ensure_model(settings, allow_training=True)
        except ModelError as exc:
            return _fail(str(exc))
        print(f"model: {path}")
        return 0
    if command == "shell":
        from bot.launcher.shell import shell

        return shell(settings, allow)
    if command == "run-cluster":
        from bot.launcher.cluster import start_cluster

        return run(settings, allow, start=start_cluster)
    return run(settings, allow)
