"""How hard and how often the hand-off retries: attempts, timeouts, backoff with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # tries within one submit before the citizen gets a queued receipt
    timeout_s: float = 5.0  # per request
    base_delay_s: float = 0.5
    max_delay_s: float = 300.0  # cap: the outbox worker never waits longer than this
    lease_s: float = 60.0  # how long a claimed item is left to its claimer before others retry

    def delay(self, attempt: int) -> float:
        """Exponential backoff with equal jitter: between half and all of base·2^attempt
        (capped), so that many clients coming back together do not hit the API in step."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** min(attempt, 32))
        return ceiling / 2 + random.uniform(0, ceiling / 2)
