"""Settling the heap after start-up (bot/heap.py) happens once the server runs, not inside Sanic's
after-start phase, which stays short."""

from __future__ import annotations

import asyncio
import time

from bot import heap


def test_the_heap_settles_once_the_server_runs_not_inside_the_listener(monkeypatch) -> None:
    settled = []
    monkeypatch.setattr(heap, "settle", lambda: settled.append(time.monotonic()))
    loop = asyncio.new_event_loop()
    try:
        async def after_start() -> None:  # as Sanic runs its after-start listeners
            heap.settle_once_serving(loop)

        loop.run_until_complete(after_start())
        during_the_phase = list(settled)
        loop.run_until_complete(asyncio.sleep(heap.SETTLE_AFTER_S + 0.3))  # the server serving
    finally:
        loop.close()
    assert (during_the_phase, len(settled)) == ([], 1)
