"""How long personal data is kept: a conversation's state and transcript texts are anonymised
`retention_days` after its last turn, and a rejected application's body as long after; sealed
values can be resealed under a new data key. Run by `python -m bot privacy purge|rekey` and,
for purging, once a day by the action server."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from functools import partial
from typing import Any, Dict, List, Optional

from sqlalchemy import Column, Table, func, select
from sqlalchemy.engine import Connection

from bot.db import Database
from bot.db.tables import conversations, outbox, transcript, wechat_identities, wechat_sends, wechat_users
from bot.dialogue.state import ConversationState
from bot.sealing import Sealer

logger = logging.getLogger(__name__)
DAY_S = 24 * 3600
BATCH = 500


async def purge(db: Database, sealer: Sealer, retention_days: int, now: Optional[float] = None) -> Dict[str, int]:
    """Anonymise everything older than `retention_days`; the counts of what changed."""
    cutoff = (now or time.time()) - retention_days * DAY_S
    empty = sealer.seal(json.dumps(ConversationState().to_json()))
    conv, line, box = conversations.c, transcript.c, outbox.c

    def work(conn: Connection) -> Dict[str, int]:
        old = select(conv.conversation_id).where(conv.updated_at < cutoff, conv.anonymised.is_(False))
        lines = conn.execute(
            transcript.update().where(line.conversation_id.in_(old))
            .where((line.text.isnot(None)) | (line.data.isnot(None))).values(text=None, data=None)
        ).rowcount
        emptied = conn.execute(
            conversations.update().where(conv.updated_at < cutoff, conv.anonymised.is_(False),
                                         conv.lease_owner.is_(None))
            .values(state=empty, offered="[]", stage="idle", mode="bot", anonymised=True)
        ).rowcount
        rejected = conn.execute(
            outbox.update().where(box.state == "rejected", box.updated_at < cutoff, box.body != "").values(body="")
        ).rowcount
        # A WeChat person not heard from since: their sealed openid and sign-in go too.
        quiet = func.coalesce(wechat_users.c.last_inbound_at, wechat_users.c.created_at) < cutoff
        conn.execute(wechat_identities.delete().where(
            wechat_identities.c.conversation_id.in_(select(wechat_users.c.conversation_id).where(quiet))))
        wechat = conn.execute(wechat_users.delete().where(quiet)).rowcount
        return {"conversations": emptied, "transcript_lines": lines, "rejected_applications": rejected,
                "wechat_people": wechat}

    counts = await db.run(work, writer=True)
    logger.info("retention (%d days): anonymised %s", retention_days, counts)
    return counts


async def rekey(db: Database, sealer: Sealer) -> Dict[str, int]:
    """Every sealed value sealed again under the first data key, in batches."""
    columns = [(conversations, conversations.c.conversation_id, [conversations.c.state]),
               (transcript, transcript.c.id, [transcript.c.text, transcript.c.data]),
               (outbox, outbox.c.idempotency_key, [outbox.c.body]),
               (wechat_users, wechat_users.c.conversation_id, [wechat_users.c.openid]),
               (wechat_identities, wechat_identities.c.conversation_id, [wechat_identities.c.identity_token]),
               (wechat_sends, wechat_sends.c.id, [wechat_sends.c.body])]
    counts: Dict[str, int] = {}
    for table, key, sealed in columns:
        done, after = 0, None
        while True:
            rows = await db.run(partial(_reseal_batch, sealer, table, key, sealed, after), writer=True)
            done += len(rows)
            if len(rows) < BATCH:
                break
            after = rows[-1][0]
        counts[table.name] = done
    return counts


def _reseal_batch(sealer: Sealer, table: Table, key: Column, sealed: List[Column], after: Any,
                  conn: Connection) -> list:
    query = select(key, *sealed).order_by(key).limit(BATCH)
    if after is not None:
        query = query.where(key > after)
    rows = conn.execute(query).all()
    for row in rows:
        values = {c.name: sealer.reseal(row._mapping[c.name]) for c in sealed if row._mapping[c.name]}
        if values:
            conn.execute(table.update().where(key == row[0]).values(**values))
    return rows


class RetentionJob:
    """purge() now and then once a day, in whatever process hosts it (several may: it is idempotent)."""

    def __init__(self, db: Database, sealer: Sealer, retention_days: int, every_s: float = DAY_S) -> None:
        self.db, self.sealer, self.retention_days, self.every_s = db, sealer, retention_days, every_s
        self._task: Optional[asyncio.Task] = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await purge(self.db, self.sealer, self.retention_days)
            except Exception:  # noqa: BLE001 - tried again tomorrow; the data is sealed meanwhile
                logger.exception("retention purge failed")
            await asyncio.sleep(self.every_s)
