"""Backoff with jitter."""

from __future__ import annotations

import pytest

from bot.handoff.retry import RetryPolicy

POLICY = RetryPolicy(base_delay_s=1.0, max_delay_s=10.0)


@pytest.mark.parametrize(("attempt", "ceiling"), [(0, 1.0), (1, 2.0), (2, 4.0), (3, 8.0)])
def test_the_delay_doubles_with_each_attempt(attempt: int, ceiling: float) -> None:
    delays = [POLICY.delay(attempt) for _ in range(200)]
    assert ceiling / 2 <= min(delays) and max(delays) <= ceiling


def test_the_delay_never_exceeds_the_cap() -> None:
    assert max(POLICY.delay(attempt) for attempt in range(4, 2000)) <= 10.0


def test_the_delay_is_jittered() -> None:
    assert len({POLICY.delay(5) for _ in range(20)}) > 1
