"""Replies to WeChat users: written to a table first, then sent through the send API in order,
one conversation by one process at a time, and retried until WeChat takes them.

A reply is sent at once by the process that wrote it; if the send API is down or slow, it stays
pending and a worker in every sending process picks it up again with a growing delay (any
process: the table is shared), so nothing is lost when WeChat or a process is away. A
conversation's later replies wait behind an earlier one, so the person reads them in order.
Replies WeChat will never take (out of the 48-hour window, over the quota) are marked failed
and logged. The blocking wechatpy calls run on a small thread pool, never on the event loop."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from concurrent.futures import Executor
from typing import Any, Callable, Dict, List, Optional, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from bot.db import Database, DatabaseUnavailable
from bot.db.tables import wechat_sends, wechat_users
from bot.sealing import Sealer
from bot.wechat.client import WeChatApi, WeChatApiError
from bot.wechat.tokens import AccessTokens, TokenUnavailable

logger = logging.getLogger(__name__)
_send, _user = wechat_sends.c, wechat_users.c
T = TypeVar("T")

POLL_S = 1.0  # a pending reply is retried within about this long after it is due
LEASE_S = 60.0  # one conversation's sending; a killed process gives it up after this long
MAX_BACKOFF_S = 60.0
GIVE_UP_S = 48 * 3600.0  # WeChat refuses replies later than 48 hours after the person wrote
RETAIN_S = 7 * 24 * 3600.0  # sent and failed replies are kept this long for inquiries, then pruned
PRUNE_EVERY_S = 600.0


class WeChatSender:
    def __init__(self, db: Database, api: WeChatApi, tokens: AccessTokens, pool: Executor, sealer: Sealer) -> None:
        self.db = db
        self.sealer = sealer  # replies and openids are personal data: sealed at rest
        self.api = api
        self.tokens = tokens
        self._pool = pool
        self._worker: Optional[asyncio.Task] = None
        self._wake = asyncio.Event()
        self._pruned_at = 0.0
        self.sent = 0
        self.retried = 0

    # -- what the channel and the delivery adapter call ----------------------------------------

    async def enqueue(self, conversation_id: str, bodies: List[Dict[str, Any]]) -> None:
        if not bodies:
            return
        now = time.time()
        rows = [{"conversation_id": conversation_id, "body": self.sealer.seal(json.dumps(body, ensure_ascii=False)),
                 "state": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now} for body in bodies]
        await self.db.run(lambda conn: conn.execute(wechat_sends.insert(), rows), writer=True)
        self.start()

    async def send_now(self, conversation_id: str, bodies: List[Dict[str, Any]]) -> None:
        """Queue the replies and try to send them right away (what is not sent is retried)."""
        await self.enqueue(conversation_id, bodies)
        await self.flush(conversation_id)

    async def typing(self, conversation_id: str) -> None:
        """Best effort: the indicator is a courtesy, never retried."""
        openid = self.sealer.open(await self.db.run(lambda conn: conn.execute(
            select(_user.openid).where(_user.conversation_id == conversation_id)).scalar()))
        if not openid:
            return
        try:
            await self._call(lambda token: self.api.typing(token, openid))
        except (WeChatApiError, TokenUnavailable, DatabaseUnavailable) as error:
            logger.info("typing indicator not shown for %s: %s", conversation_id[:12], error)

    async def flush(self, conversation_id: str) -> None:
        try:
            await self._send_conversation(conversation_id)
        except DatabaseUnavailable:
            logger.warning("replies of %s wait: database unavailable", conversation_id[:12])

    # -- the worker ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._worker is None or self._worker.done():
            self._wake = asyncio.Event()
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="wechat-sender")

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None

    async def _run(self) -> None:
        while True:
            try:
                for conversation_id in await self.db.run(self._due_conversations):
                    await self._send_conversation(conversation_id)
                if time.monotonic() - self._pruned_at > PRUNE_EVERY_S:
                    self._pruned_at = time.monotonic()
                    await self.db.run(self._prune, writer=True)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the worker outlives a bad moment of the database
                logger.warning("WeChat sender: pass failed; trying again", exc_info=True)
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_S)
            except TimeoutError:
                pass
            self._wake.clear()

    def _due_conversations(self, conn: Connection) -> List[str]:
        query = (select(_send.conversation_id).where(_send.state == "pending", _send.next_attempt_at <= time.time())
                 .group_by(_send.conversation_id).limit(20))
        return [row.conversation_id for row in conn.execute(query)]

    def _prune(self, conn: Connection) -> None:
        conn.execute(wechat_sends.delete().where(_send.state != "pending", _send.created_at < time.time() - RETAIN_S))

    # -- sending one conversation's replies, in order ---------------------------------------------

    async def _send_conversation(self, conversation_id: str) -> None:
        owner = uuid.uuid4().hex[:16]
        sealed = await self.db.run(lambda conn: self._lease(conn, conversation_id, owner), writer=True)
        if sealed is None:
            return  # another process is sending this conversation's replies
        openid = self.sealer.open(sealed)
        try:
            pending = await self.db.run(lambda conn: conn.execute(
                select(_send.id, _send.body, _send.attempts, _send.next_attempt_at, _send.created_at)
                .where(_send.conversation_id == conversation_id, _send.state == "pending").order_by(_send.id)).all())
            for row in pending:
                if row.next_attempt_at > time.time():
                    break  # an earlier reply waits for its retry; later ones wait behind it
                if not await self._send_one(conversation_id, openid, row):
                    break
        finally:
            await self.db.run(lambda conn: conn.execute(
                wechat_users.update().where(_user.conversation_id == conversation_id, _user.send_lease_owner == owner)
                .values(send_lease_owner=None, send_lease_until=None)), writer=True)

    def _lease(self, conn: Connection, conversation_id: str, owner: str) -> Optional[str]:
        now = time.time()
        taken = conn.execute(
            wechat_users.update()
            .where(_user.conversation_id == conversation_id)
            .where(or_(_user.send_lease_until.is_(None), _user.send_lease_until < now))
            .values(send_lease_owner=owner, send_lease_until=now + LEASE_S)
        ).rowcount
        if not taken:
            return None
        return conn.execute(select(_user.openid).where(_user.conversation_id == conversation_id)).scalar()

    async def _send_one(self, conversation_id: str, openid: str, row: Any) -> bool:
        """True when the reply is done with (sent, or failed for good): the next may follow."""
        body = json.loads(self.sealer.open(row.body))
        try:
            await self._call(lambda token: self.api.send(token, openid, body))
        except (WeChatApiError, TokenUnavailable) as error:
            permanent = isinstance(error, WeChatApiError) and error.permanent
            too_late = time.time() - row.created_at > GIVE_UP_S
            if permanent or too_late:
                logger.warning("reply %d to %s dropped: %s", row.id, conversation_id[:12], error)
                await self._mark(row.id, state="failed", attempts=row.attempts + 1, last_error=str(error)[:500])
                return True
            delay = min(2.0 ** row.attempts, MAX_BACKOFF_S)
            self.retried += 1
            logger.info("reply %d to %s not sent (%s); retry in %.0fs", row.id, conversation_id[:12], error, delay)
            await self._mark(row.id, attempts=row.attempts + 1, next_attempt_at=time.time() + delay,
                             last_error=str(error)[:500])
            return False
        self.sent += 1
        await self._mark(row.id, state="sent", attempts=row.attempts + 1, sent_at=time.time(), last_error=None)
        return True

    async def _mark(self, send_id: int, **values: Any) -> None:
        await self.db.run(lambda conn: conn.execute(wechat_sends.update().where(_send.id == send_id).values(**values)),
                          writer=True)

    async def _call(self, work: Callable[[str], T]) -> T:
        """`work(token)` on the thread pool; a token WeChat calls invalid is refetched once."""
        loop = asyncio.get_running_loop()
        token = await self.tokens.current()
        try:
            return await loop.run_in_executor(self._pool, work, token)
        except WeChatApiError as error:
            if not error.token_invalid:
                raise
            logger.info("WeChat refused the access token (%s); fetching a new one", error)
            await self.tokens.invalidate(token)
            token = await self.tokens.current()
            return await loop.run_in_executor(self._pool, work, token)
