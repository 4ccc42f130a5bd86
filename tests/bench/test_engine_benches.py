"""The engine-level benchmarks (bench/engine.py, bench/live_reload.py) still run on today's
catalogue and measure what they say: a bench that breaks unnoticed reports nothing the day it is
needed. Their figures are printed by the benches, never asserted here."""

from __future__ import annotations

from bench.engine import run
from bench.live_reload import _measure


def test_the_engine_bench_walks_the_real_and_a_generated_catalogue_to_the_end(catalogue) -> None:
    record = run(steps=50, sizes=(25,))
    real, generated = record["results"]["real"], record["results"]["25"]
    walks = [real["walks"]["walks"] == real["walks"]["completed"] > 0,
             generated["walks"]["walks"] == generated["walks"]["completed"] > 0]
    assert ((real["bundles"], generated["bundles"]), walks, {t["verdict"] for t in record["targets"].values()}
            <= {"MET", "MISSED"}) == ((len(catalogue.bundles), 25), [True, True], True)


def test_live_reload_measures_each_kind_of_change_going_live() -> None:
    figures = _measure(22)
    assert {kind: f["save_to_live_max_s"] > 0 for kind, f in figures.items()} == {
        "edit one bundle": True, "add a bundle": True, "edit a registry": True}
