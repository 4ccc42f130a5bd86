"""The desk benchmark (bench/desk.py) still measures what it says on today's stack: every round's
request reaches the desk and every message arrives both ways (it once ran on without sessions and
measured nothing)."""

from __future__ import annotations

import pytest

from bench.desk import run

pytestmark = pytest.mark.servers


def test_every_round_of_the_desk_benchmark_arrives_both_ways(model) -> None:
    record = run(rounds=2)
    assert (record["missed"], {key: f["n"] for key, f in record["figures"].items()}) == (
        {"queue_s": 0, "to_citizen_s": 0, "to_agent_s": 0}, {"queue_s": 2, "to_citizen_s": 2, "to_agent_s": 2})
