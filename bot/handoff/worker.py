"""OutboxWorker: delivers queued applications in the background, in whatever process hosts it,
and has the people concerned told once their application has reached the department."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional

from bot.handoff.client import HandoffClient
from bot.handoff.outbox import OutboxItem

logger = logging.getLogger(__name__)

Announce = Callable[[OutboxItem], Awaitable[Any]]


class OutboxWorker:
    """An asyncio task that calls client.deliver_due() every poll_interval_s. Items survive
    restarts in the outbox; the idempotency key makes a re-sent item land only once.
    `announce`, when given, tells each person whose queued application was delivered."""

    def __init__(self, client: HandoffClient, poll_interval_s: float = 2.0, announce: Optional[Announce] = None):
        self.client = client
        self.poll_interval_s = poll_interval_s
        self.announce = announce
        self._task: Optional[asyncio.Task[None]] = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None

    async def run_once(self) -> int:
        delivered = await self.client.deliver_due()
        if self.announce is not None:
            for item in await self.client.outbox.take_unannounced():
                try:
                    await self.announce(item)
                except Exception:  # noqa: BLE001 - one failed notice must not stop the others
                    logger.exception("could not tell the person about application %s", item.provisional_ref)
        return delivered

    async def _run(self) -> None:
        while True:
            try:
                delivered = await self.run_once()
                if delivered:
                    logger.info("outbox: delivered %d queued application(s)", delivered)
            except Exception:
                # A locked outbox or a bug in one round must not end the worker.
                logger.exception("outbox round failed; retrying in %.1fs", self.poll_interval_s)
            await asyncio.sleep(self.poll_interval_s)
