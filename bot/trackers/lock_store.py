"""Rasa's RedisLockStore for several Rasa servers: one ticket queue per conversation in Redis,
changed atomically, held no longer than the conversation store's lease.

Rasa 3.6's RedisLockStore reads a conversation's lock, changes it in Python and writes it back:
two servers issuing tickets at the same moment can both get ticket 0 and both go ahead (the fix,
rasa PR #11256, was reverted from open source in #11428), and a cleanup can delete a ticket
another server has just added. Here every change is one WATCH/MULTI transaction. Tickets live
`TICKET_LOCK_LIFETIME` seconds (default: the store's lease, 5 s, instead of Rasa's 60), so a
server killed mid-turn holds its conversations no longer than that; a waiting turn keeps its own
ticket alive and polls every 50 ms instead of every second. Redis being unreachable is a LockError, which the channels
answer with "try again later"; a failed cleanup is only logged (the ticket expires by itself),
so a turn that was answered is never reported as failed.

The turn itself is serialised by the conversation store's lease (bot/dialogue/store.py) in
any case; this lock keeps turns of one conversation in arrival order across Rasa servers."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Callable, Optional, Tuple, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.dialogue.store import LEASE_S
from bot.settings import get_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")

_WAIT = object()  # a poll's answer: someone else is being served
POLL_S = 0.05
SOCKET_TIMEOUT_S = 2.0  # an unreachable Redis costs a turn this long at most, not Rasa's 10 s


def ticket_lifetime_s() -> float:
    return float(os.environ.get("TICKET_LOCK_LIFETIME") or LEASE_S)


class RedisTicketLockStore(RedisLockStore):
    """endpoints.yml: `lock_store: {type: bot.trackers.lock_store.RedisTicketLockStore}`; the
    Redis URL is BOT_REDIS_URL unless the endpoint gives `url: redis://…`."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, url: Optional[str] = None,
                 key_prefix: Optional[str] = None) -> None:
        super().__init__(key_prefix=key_prefix or (endpoint_config.kwargs.get("key_prefix") if endpoint_config
                                                   else None))
        url = url or (endpoint_config.url if endpoint_config else None) or get_settings().redis_url
        if not url:
            raise LockError("the Redis lock store needs a Redis URL (set BOT_REDIS_URL)")
        self.red = redis.StrictRedis.from_url(url, socket_timeout=SOCKET_TIMEOUT_S,
                                              socket_connect_timeout=SOCKET_TIMEOUT_S)

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: Optional[float] = None,
                   wait_time_in_seconds: float = POLL_S) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime or ticket_lifetime_s(), wait_time_in_seconds) as held:
            yield held

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        """Wait for this ticket's turn. A waiting server keeps its ticket alive (Rasa's expires
        while it waits, and a turn queued behind a dead server's ticket issued a moment before
        its own would find its ticket gone with the other's and fail)."""

        def poll(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], Optional[TicketLock]]:
            if lock is None:
                return None, None
            lock.remove_expired_tickets()
            mine = next((t for t in lock.tickets if t.number == ticket), None)
            if mine is None:
                return None, lock
            mine.expires = time.time() + ticket_lifetime_s()
            return (lock if lock.now_serving == ticket else _WAIT), lock

        while True:
            served = self._change(conversation_id, poll)
            if served is None:
                raise LockError(f"the ticket for conversation {conversation_id[:12]} expired while it waited")
            if served is not _WAIT:
                return served
            await asyncio.sleep(wait_time_in_seconds)

    def _change(self, conversation_id: str,
                change: Callable[[Optional[TicketLock]], Tuple[T, Optional[TicketLock]]]) -> T:
        """Apply `change` to the stored lock in one transaction (retried when another server
        changed it meanwhile); a lock left with no tickets is deleted."""
        key = self.key_prefix + conversation_id
        try:
            with self.red.pipeline() as pipe:
                while True:
                    try:
                        pipe.watch(key)
                        raw = pipe.get(key)
                        result, lock = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
                        pipe.multi()
                        if lock is None or not lock.is_someone_waiting():
                            pipe.delete(key)
                        else:
                            # Abandoned locks go away by themselves too.
                            pipe.set(key, lock.dumps(), px=int(2000 * ticket_lifetime_s()) + 1000)
                        pipe.execute()
                        return result
                    except redis.WatchError:
                        continue
        except redis.RedisError as error:
            raise LockError(f"Redis unavailable: {error}") from error

    def issue_ticket(self, conversation_id: str, lock_lifetime: Optional[float] = None) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime or ticket_lifetime_s()), lock

        return self._change(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock is not None:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return None, lock

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish this ticket; the lock goes when nobody else waits (one transaction)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except LockError as error:
            logger.warning("conversation lock not released (%s); it expires in %.0fs", error, ticket_lifetime_s())

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        try:
            return super().get_lock(conversation_id)
        except redis.RedisError as error:
            raise LockError(f"Redis unavailable: {error}") from error

    def save_lock(self, lock: TicketLock) -> None:
        self._change(lock.conversation_id, lambda _stored: (None, lock))

    def delete_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda _stored: (None, None))
