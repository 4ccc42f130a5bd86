"""The conversation lock shared by several Rasa servers (bot/trackers/lock_store.py), on the
cluster's Redis: tickets never collide, turns go in the order they asked, a dead server's
ticket holds a conversation no longer than its lifetime, an unreachable Redis is a LockError."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import List

import pytest
from rasa.core.lock_store import LockError

from bot.launcher.process import free_port
from bot.trackers.lock_store import RedisTicketLockStore
from tests.support.aio import run

pytestmark = [pytest.mark.servers, pytest.mark.cluster]


def server(cluster) -> RedisTicketLockStore:
    """One Rasa server's lock store: its own connection to the cluster's Redis."""
    return RedisTicketLockStore(url=cluster.settings.redis_url, key_prefix="locktest")


def test_tickets_issued_at_the_same_moment_by_eight_servers_never_collide(cluster) -> None:
    conversation, servers = uuid.uuid4().hex, [server(cluster) for _ in range(8)]
    barrier, numbers = threading.Barrier(len(servers)), []

    def issue(store: RedisTicketLockStore) -> None:
        barrier.wait()
        numbers.extend(store.issue_ticket(conversation, 30) for _ in range(5))

    threads = [threading.Thread(target=issue, args=(store,)) for store in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(numbers) == list(range(40))


def test_turns_of_one_conversation_hold_the_lock_in_the_order_they_asked(cluster) -> None:
    conversation, order = uuid.uuid4().hex, []

    async def turn(store: RedisTicketLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock(conversation):
            order.append(f"{name} in")
            await asyncio.sleep(0.3)
            order.append(f"{name} out")

    async def both() -> None:
        await asyncio.gather(turn(server(cluster), "first", 0), turn(server(cluster), "second", 0.05))

    run(both())
    assert order == ["first in", "first out", "second in", "second out"]


def test_a_ticket_left_by_a_killed_server_holds_the_conversation_only_for_its_lifetime(cluster, monkeypatch) -> None:
    monkeypatch.setenv("TICKET_LOCK_LIFETIME", "1")
    conversation, store = uuid.uuid4().hex, server(cluster)
    store.issue_ticket(conversation)  # the dead server's: never finished, never cleaned up
    waited: List[float] = []

    async def next_turn() -> None:
        started = time.monotonic()
        async with store.lock(conversation):
            waited.append(time.monotonic() - started)

    run(next_turn())
    assert 0.7 < waited[0] < 2.0, waited


def test_an_unreachable_redis_is_a_lock_error() -> None:
    store = RedisTicketLockStore(url=f"redis://127.0.0.1:{free_port()}/0")

    async def turn() -> None:
        async with store.lock("someone"):
            pass

    with pytest.raises(LockError):
        run(turn())
