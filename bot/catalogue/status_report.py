"""`python -m bot rules status`: what each running service serves and why a change was refused.

Also whether the files on disk would load now, for when no service is running."""

from __future__ import annotations

import time
from pathlib import Path
from typing import List, TextIO

from bot.catalogue.loader import load_catalogue
from bot.catalogue.problems import CatalogueError, Problem
from bot.catalogue.watch import RulesStatus, alive


def running(status_dir: Path) -> List[RulesStatus]:
    """Status of every service that wrote one and is still running."""
    found = []
    for path in sorted(status_dir.glob("*.json")) if status_dir.is_dir() else []:
        try:
            status = RulesStatus.read(path)
        except (OSError, ValueError, TypeError):
            continue
        if alive(status.pid):
            found.append(status)
    return found


def report(rules_dir: Path, status_dir: Path, cache_dir: Path, out: TextIO) -> int:
    """Print the report; 1 when a service refused the files on disk or they would not load."""
    failing = False
    services = running(status_dir)
    if not services:
        out.write("no running service has reported a catalogue (start them with `make run`)\n")
    for status in services:
        failing |= _service(status, out)
    out.write(f"\nfiles in {rules_dir}: ")
    try:
        catalogue = load_catalogue(rules_dir, cache_dir)
    except CatalogueError as exc:
        failing = True
        out.write(f"would be refused ({len(exc.problems)} problem(s)):\n")
        for problem in exc.problems:
            out.write(f"  {problem}\n")
    else:
        out.write(f"valid, {len(catalogue.summaries)} bundles (catalogue {catalogue.version})\n")
    return 1 if failing else 0


def _service(status: RulesStatus, out: TextIO) -> bool:
    out.write(f"{status.service} (pid {status.pid}, rules {status.rules_dir}): serving "
              f"{status.bundles} bundles (catalogue {status.version}) since {_clock(status.serving_since)}; "
              f"{status.reloads} change(s) made live, {status.refused} refused\n")
    last = status.last
    if last is None:
        out.write("  no change since it started\n")
        return False
    files = ", ".join(last.files) or "no file"
    if last.ok:
        after = f", {last.live_after_save_s:.1f} s after the save" if last.live_after_save_s else ""
        out.write(f"  last change ({files}) went live at {_clock(last.at)}{after}\n")
        return False
    out.write(f"  last change ({files}) REFUSED at {_clock(last.at)}; the catalogue loaded before "
              "keeps serving. Fix these and save again:\n")
    for problem in last.problems:
        out.write(f"    {Problem(**problem)}\n")
    return True


def _clock(at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at)) if at else "?"
