"""The record of pushes already taken, shared by every process: WeChat's retries of a push
(same MsgId, or same sender and time for an event) are answered and dropped."""

from __future__ import annotations

import time

from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.tables import wechat_pushes

# WeChat retries within about 15 s; a day of keys is far more than enough and stays small.
RETAIN_S = 24 * 3600.0
PRUNE_EVERY = 500


class PushLedger:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.taken = 0
        self.duplicates = 0

    async def first_time(self, key: str) -> bool:
        """True for the first delivery of `key`, in this process or any other."""
        now = time.time()
        try:
            await self.db.run(lambda conn: conn.execute(wechat_pushes.insert().values(push_key=key, received_at=now)),
                              writer=True)
        except IntegrityError:
            self.duplicates += 1
            return False
        self.taken += 1
        if self.taken % PRUNE_EVERY == 0:
            await self.db.run(lambda conn: conn.execute(
                wechat_pushes.delete().where(wechat_pushes.c.received_at < now - RETAIN_S)), writer=True)
        return True
