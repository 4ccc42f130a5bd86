"""Time from saving a rules file to serving it (bot/engine/live.py), with the watcher thread as a
running service has it (poll 0.2 s, quiet 0.2 s).

For each catalogue size: edit one bundle (a new routing example), add a new bundle (the clerk's
开办药店 with its materials file), and edit a registry file (which re-checks every bundle). Each
is timed from the save to the moment the new engine is swapped in, and the reload itself (load,
check, build the router) is reported beside it. `python -m bench live_reload --sizes 22 200 2000`."""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Dict, List

from bench.catalogue_gen import generate
from bench.common import ROOT, heading, table, write_record
from bot.engine.live import LiveEngine
from bot.engine.routing_examples import load_routing_examples

PHARMACY = ROOT / "tests" / "engine" / "fixtures" / "pharmacy"
ROUNDS = 5


def _catalogue(dest: Path, size: int) -> tuple:
    if size <= 22:
        rules = dest / "rules"
        shutil.copytree(ROOT / "rules", rules)
        return rules, ROOT / "data" / "nlu" / "bundles"
    generated = generate(dest / "generated", size)
    return generated.rules_dir, generated.nlu_dir


def _append_example(path: Path, example: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  examples:\n", f"  examples:\n    - {example}\n", 1), encoding="utf-8")


def _append_line(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def _until_swapped(live: LiveEngine, before, save) -> float:
    """Seconds from calling save() until the live engine is a new one (60 s at most)."""
    started = time.monotonic()
    save()
    while live.engine is before and time.monotonic() - started < 60:
        time.sleep(0.01)
    if live.engine is before:
        raise RuntimeError(f"not live after 60 s: {live.status.last}")
    return time.monotonic() - started


def _measure(size: int) -> Dict[str, Dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        rules, nlu = _catalogue(Path(tmp), size)
        live = LiveEngine(rules, Path(tmp) / "cache", load_routing_examples(nlu)).start()
        try:
            results: Dict[str, List[tuple]] = {"edit one bundle": [], "add a bundle": [], "edit a registry": []}
            bundle = rules / "bundles" / "pharmacy_opening.yml"

            def add_pharmacy() -> None:
                shutil.copy(PHARMACY / "materials" / "pharmacy.yml", rules / "materials" / "pharmacy.yml")
                shutil.copy(PHARMACY / "bundles" / "pharmacy_opening.yml", bundle)

            for n in range(ROUNDS):
                edit = partial(_append_example, rules / "bundles" / "newborn.yml", f"孩子刚出生要办的第{n}件事")
                results["edit one bundle"].append((_until_swapped(live, live.engine, edit), live.status.last.seconds))
            for _ in range(ROUNDS):
                if bundle.exists():
                    _until_swapped(live, live.engine, bundle.unlink)
                took = _until_swapped(live, live.engine, add_pharmacy)
                results["add a bundle"].append((took, live.status.last.seconds))
            for n in range(ROUNDS):
                edit = partial(_append_line, rules / "departments.yml", f"# 第{n}次编辑")
                results["edit a registry"].append((_until_swapped(live, live.engine, edit), live.status.last.seconds))
        finally:
            live.stop()
    return {kind: {"save_to_live_p50_s": statistics.median(t for t, _ in runs),
                   "save_to_live_max_s": max(t for t, _ in runs),
                   "reload_p50_s": statistics.median(r for _, r in runs)} for kind, runs in results.items()}


def main(argv: List[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench live_reload")
    parser.add_argument("--sizes", type=int, nargs="+", default=[22, 200])
    args = parser.parse_args(argv)
    heading("rules edit → live in a running service")
    figures = {}
    rows = []
    for size in args.sizes:
        figures[size] = _measure(size)
        for kind, f in figures[size].items():
            rows.append([size, kind, f["save_to_live_p50_s"], f["save_to_live_max_s"], f["reload_p50_s"]])
    table(rows, ["bundles", "change", "save→live p50 (s)", "max (s)", "reload p50 (s)"])
    path = write_record("live_reload", {"rounds": ROUNDS, "sizes": figures})
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
