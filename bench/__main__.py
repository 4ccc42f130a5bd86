"""`python -m bench [name …]` or `python -m bench <name> [options]`: run benchmarks, print figures.

Without names, runs them all in order: engine, routing, answers, stack, install (`make bench`).
With one name, the remaining arguments go to that benchmark, e.g.
`python -m bench engine --steps 5000 --sizes 200` or `python -m bench stack --skip-train`."""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from typing import List

from bench import BENCHMARKS


def main(argv: List[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks:", ", ".join(BENCHMARKS))
        return 0
    names: List[str] = []
    while argv and not argv[0].startswith("-"):
        if argv[0] not in BENCHMARKS:
            if names:
                break  # a value for a benchmark's option? then options belong to one benchmark
            print(
                f"unknown benchmark {argv[0]!r}; choose from {', '.join(BENCHMARKS)}",
                file=sys.stderr,
            )
            return 2
        names.append(argv.pop(0))
    rest = argv
    if rest and len(names) != 1:
        print("options apply to a single benchmark: python -m bench <name> [options]", file=sys.stderr)
        return 2
    failed = []
    for name in names or list(BENCHMARKS):
        started = time.monotonic()
        try:
            importlib.import_module(f"bench.{name}").main(rest)
        except Exception as exc:  # noqa: BLE001 - report and go on with the other benchmarks
            failed.append(name)
            traceback.print_exc()
            print(
                f"\nbenchmark {name} failed: {type(exc).__name__}: {exc}",
                file=sys.stderr,
                flush=True,
            )
        print(f"\n[{name}: {time.monotonic() - started:.0f}s]", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
