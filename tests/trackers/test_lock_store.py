"""The SQLite ticket lock store: tickets in order, one holder at a time, shared across processes."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from bot.trackers.lock_store import SqliteLockStore
from tests.support.aio import run


def _issue_many(path: str, count: int, queue) -> None:
    store = SqliteLockStore(db=path)
    queue.put([store.issue_ticket("shared") for _ in range(count)])


def test_tickets_are_issued_in_order(tmp_path: Path) -> None:
    store = SqliteLockStore(db=str(tmp_path / "locks.db"))
    assert [store.issue_ticket("c") for _ in range(3)] == [0, 1, 2]


def test_the_first_ticket_holder_gets_the_lock(tmp_path: Path) -> None:
    store = SqliteLockStore(db=str(tmp_path / "locks.db"))
    first, second = store.issue_ticket("c"), store.issue_ticket("c")
    lock = store.get_lock("c")
    assert (lock.is_locked(first), lock.is_locked(second)) == (False, True)


def test_finishing_the_last_ticket_removes_the_lock(tmp_path: Path) -> None:
    store = SqliteLockStore(db=str(tmp_path / "locks.db"))
    ticket = store.issue_ticket("c")
    store.cleanup("c", ticket)
    assert store.get_lock("c") is None


def test_the_async_lock_context_serves_one_message_at_a_time(tmp_path: Path) -> None:
    store = SqliteLockStore(db=str(tmp_path / "locks.db"))

    async def both() -> list:
        order = []
        async with store.lock("c", wait_time_in_seconds=0.01):
            order.append("first")
        async with store.lock("c", wait_time_in_seconds=0.01):
            order.append("second")
        return order

    assert run(both()) == ["first", "second"]


def test_two_processes_never_get_the_same_ticket(tmp_path: Path) -> None:
    path = str(tmp_path / "locks.db")
    SqliteLockStore(db=path)
    queue = multiprocessing.get_context("spawn").Queue()
    workers = [multiprocessing.get_context("spawn").Process(target=_issue_many, args=(path, 30, queue))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    tickets = queue.get(timeout=60) + queue.get(timeout=60)
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(tickets) == list(range(60))
