"""Benchmarks: `python -m bench [name …]` (`make bench` runs them all: see BENCHMARKS below).

Each benchmark prints its figures and writes them as JSON under var/bench/ (one file per run,
plus `<name>-latest.json`). Figures are measured, never asserted: the machine is shared and
noisy, so compare ratios taken in one run rather than absolute numbers across runs."""

BENCHMARKS = ("engine", "routing", "answers", "live_reload", "stack", "faults", "wechat", "desk", "widget", "install",
              "cluster")
