"""The desk in one object (`app.ctx.desk`): its database, accounts, audit log, queue, 工单, SMS,
and the dialogue it drives for callers; plus the janitor that runs beside the portal (agents whose
tab closed lose their conversations back to the queue; who still has the widget open; a 回访 for
every 差评)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable, Dict, Optional

from bot.db import Database
from bot.desk.accounts import Accounts
from bot.desk.audit import Audit
from bot.desk.queue import DeskQueue
from bot.desk.rules import DeskRules
from bot.desk.tickets import Tickets
from bot.dialogue.delivery import Delivery
from bot.dialogue.handler import Dialogue
from bot.ratings import RatingStore
from bot.settings import Settings
from bot.sms import SmsGateway

logger = logging.getLogger(__name__)

JANITOR_S = 1.0  # how often lost agents and open widgets are checked
REVISIT_EVERY = 10  # janitor rounds between 回访 sweeps
CITIZEN_LEFT_S = 6.0  # a web citizen whose stream stayed closed this long has left


class Desk:
    def __init__(self, settings: Settings, db: Database, rules: DeskRules, messages: Dict[str, str],
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.db = db
        self.rules = rules
        self.messages = messages
        self.clock = clock
        self.accounts = Accounts(db, clock, allow_demo=settings.profile == "embedded")
        self.audit = Audit(db, clock)
        self.queue = DeskQueue(db, rules, settings.desk_agent_timeout_s, clock)
        self.tickets = Tickets(db, rules, clock)
        self.ratings = RatingStore(db)
        # Set when the server starts (their HTTP sessions belong to its event loop).
        self.dialogue: Optional[Dialogue] = None
        self.delivery: Optional[Delivery] = None
        self.sms: Optional[SmsGateway] = None
        # conversation -> when its widget last had a stream open on this process (bot/portal/conversation_stream.py)
        self.presence: Callable[[], Dict[str, float]] = dict
        self._task: Optional[asyncio.Task] = None

    @property
    def store(self):
        return self.dialogue.store

    @property
    def engine(self):
        return self.dialogue.services.engine

    # -- the janitor -----------------------------------------------------------------------

    async def start(self) -> None:
        self._task = asyncio.create_task(self._janitor(), name="desk-janitor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _janitor(self) -> None:
        from bot.desk.control import requeue_lost, tell_nobody_online

        rounds = 0
        while True:
            await asyncio.sleep(JANITOR_S)
            rounds += 1
            try:
                await self.queue.seen(self.presence())
                await requeue_lost(self)
                await tell_nobody_online(self)
                if rounds % REVISIT_EVERY == 1:
                    opened = await self.tickets.revisit_bad_ratings()
                    if opened:
                        logger.info("desk: %d 回访 ticket(s) opened for 差评", opened)
            except Exception:  # noqa: BLE001 - one failed round (a locked database) must not end it
                logger.exception("desk janitor round failed; retrying")
