"""Keeps Python's cyclic garbage collector off the long-lived objects a process builds at start."""

from __future__ import annotations

import asyncio
import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading the catalogue allocates hundreds of thousands of objects that all stay alive;
    the collector would walk the growing heap again and again for nothing (40 % of a load)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Called once a server has loaded its model and catalogue: collect start-up garbage, then
    move every survivor to the permanent generation, so that a full collection during a busy
    minute walks only per-turn objects (a 230 ms pause at 20 concurrent conversations otherwise)."""
    gc.collect()
    gc.freeze()


SETTLE_AFTER_S = 0.5


def settle_once_serving(loop: asyncio.AbstractEventLoop) -> None:
    """For a server's after-start listener: settle a moment later, once the server runs, so that
    the start-up phase stays short (a collection of a large heap takes a while)."""
    loop.call_later(SETTLE_AFTER_S, settle)
