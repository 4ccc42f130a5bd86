"""Run a module with probes that a benchmark switches on (SIGUSR1) and off (SIGUSR2), so that
they cover only the turns it sends, not the server's start-up:

    python -m bench.profiled OUT MODULE [args…]            cProfile of the main thread → OUT
    python -m bench.profiled --gc-log OUT MODULE [args…]   every GC pause → OUT (JSON lines:
                                                           generation, start, seconds; start on
                                                           the monotonic clock the client's
                                                           perf_counter also reads)

Sanic and Rasa handle turns on the main thread, which is the one cProfile sees."""

from __future__ import annotations

import cProfile
import gc
import json
import runpy
import signal
import sys
import time
from typing import Any, Dict, List


def main() -> None:
    args = sys.argv[1:]
    gc_log = args[0] == "--gc-log"
    if gc_log:
        args = args[1:]
    out, module = args[0], args[1]
    sys.argv = [module, *args[2:]]
    profiler = cProfile.Profile()
    pauses: List[Dict[str, Any]] = []
    state = {"on": False, "t0": 0.0}

    def on_gc(phase: str, info: Dict[str, Any]) -> None:
        if not state["on"]:
            return
        if phase == "start":
            state["t0"] = time.perf_counter()
        else:
            now = time.perf_counter()
            pauses.append(
                {
                    "generation": info.get("generation"),
                    "start": state["t0"],
                    "seconds": now - state["t0"],
                    "collected": info.get("collected"),
                }
            )

    def start(_signum, _frame) -> None:
        if gc_log:
            state["on"] = True
        else:
            profiler.enable()

    def stop(_signum, _frame) -> None:
        if gc_log:
            state["on"] = False
            with open(out, "w", encoding="utf-8") as handle:
                json.dump(pauses, handle)
        else:
            profiler.disable()
            profiler.dump_stats(out)

    if gc_log:
        gc.callbacks.append(on_gc)
    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
