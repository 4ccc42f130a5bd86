"""The app's one access token, owned by one table for every process (WeChat's 中控 rule).

WeChat keeps a token 7200 s and invalidates the previous one 5 minutes after a new one is
fetched, so processes that each fetched their own would knock each other out. Here a process
that finds the stored token missing or near its end takes the refresh lease (a conditional
UPDATE), fetches, and stores the new token; the others keep using the stored one meanwhile (it
is still valid during the overlap) or wait for the new one. A token WeChat calls invalid
(40001/40014/42001) is marked expired — only if it is still the stored one — and refetched once."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from concurrent.futures import Executor
from functools import partial
from typing import Any, Callable, Dict, Optional

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.tables import wechat_tokens
from bot.wechat.client import WeChatApiError

logger = logging.getLogger(__name__)
_tok = wechat_tokens.c

REFRESH_BEFORE_S = 300.0  # inside WeChat's 5-minute overlap: the old token still works meanwhile
LEASE_S = 15.0  # a process killed while fetching blocks refreshing no longer than this
WAIT_S = 10.0  # how long a caller waits for another process's fetch


class TokenUnavailable(RuntimeError):
    """No valid token could be had (the token endpoint is down or refuses the app)."""


class AccessTokens:
    def __init__(self, db: Database, appid: str, fetch: Callable[[], Dict[str, Any]], pool: Executor) -> None:
        self.db = db
        self.appid = appid
        self.fetch = fetch  # blocking (wechatpy): runs on `pool`
        self.pool = pool
        self.fetched = 0  # by this process, for the logs and the benchmark

    async def current(self) -> str:
        deadline = time.monotonic() + WAIT_S
        delay = 0.02
        while True:
            row = await self.db.run(self._read)
            now = time.time()
            if row is not None and row.access_token and row.expires_at - now > REFRESH_BEFORE_S:
                return row.access_token
            owner = uuid.uuid4().hex[:16]
            try:
                leased = await self.db.run(partial(self._lease, owner=owner), writer=True)
            except IntegrityError:
                leased = False  # another process created the row a moment ago
            if leased:
                return await self._refresh(owner)
            if row is not None and row.access_token and row.expires_at > now:
                return row.access_token  # another process is refreshing; this one is still good
            if time.monotonic() > deadline:
                raise TokenUnavailable("another process holds the refresh and no token came")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.25)

    async def invalidate(self, token: str) -> None:
        """WeChat refused `token`: the next `current()` fetches a new one (unless another
        process already did)."""
        await self.db.run(lambda conn: conn.execute(
            wechat_tokens.update().where(_tok.appid == self.appid, _tok.access_token == token).values(expires_at=0.0)
        ), writer=True)

    def _read(self, conn: Connection) -> Optional[Any]:
        return conn.execute(select(_tok.access_token, _tok.expires_at).where(_tok.appid == self.appid)).first()

    def _lease(self, conn: Connection, *, owner: str) -> bool:
        now = time.time()
        taken = conn.execute(
            wechat_tokens.update()
            .where(_tok.appid == self.appid)
            .where(or_(_tok.lease_until.is_(None), _tok.lease_until < now))
            .where(or_(_tok.access_token.is_(None), _tok.expires_at - now <= REFRESH_BEFORE_S))
            .values(lease_owner=owner, lease_until=now + LEASE_S)
        ).rowcount
        if taken:
            return True
        if conn.execute(select(_tok.appid).where(_tok.appid == self.appid)).first() is not None:
            return False
        conn.execute(wechat_tokens.insert().values(
            appid=self.appid, access_token=None, expires_at=0.0, lease_owner=owner, lease_until=now + LEASE_S))
        return True

    async def _refresh(self, owner: str) -> str:
        try:
            result = await asyncio.get_running_loop().run_in_executor(self.pool, self.fetch)
            token = str(result["access_token"])
            expires_in = float(result.get("expires_in") or 7200)
        except (WeChatApiError, KeyError, TypeError, ValueError) as error:
            await self.db.run(lambda conn: conn.execute(
                wechat_tokens.update().where(_tok.appid == self.appid, _tok.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            ), writer=True)
            logger.warning("WeChat access token could not be fetched: %s", error)
            raise TokenUnavailable(str(error)) from None
        self.fetched += 1
        now = time.time()
        await self.db.run(lambda conn: conn.execute(
            wechat_tokens.update().where(_tok.appid == self.appid, _tok.lease_owner == owner)
            .values(access_token=token, expires_at=now + expires_in, fetched_at=now, lease_owner=None, lease_until=None)
        ), writer=True)
        logger.info("WeChat access token fetched (valid %.0fs)", expires_in)
        return token
