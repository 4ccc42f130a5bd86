"""好差评: ratings and comments after a hand-off, rows in the bot's database."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import select

from bot.db import Database
from bot.db.tables import ratings as table
from bot.privacy import mask_text

MAX_COMMENT_CHARS = 500


@dataclass(frozen=True)
class Rating:
    conversation_id: str
    bundle_id: Optional[str]
    receipt_no: Optional[str]
    stars: Optional[int]
    comment: Optional[str]


class RatingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, conversation_id: str, bundle_id: Optional[str], receipt_no: Optional[str],
                     stars: Optional[int], comment: Optional[str]) -> None:
        # Comments are free text: people type phone numbers into them. Keep them masked.
        values = dict(at=time.time(), conversation_id=conversation_id, bundle_id=bundle_id, receipt_no=receipt_no,
                      stars=stars, comment=mask_text(comment)[:MAX_COMMENT_CHARS] if comment else None)
        await self.db.run(lambda conn: conn.execute(table.insert().values(**values)), writer=True)

    async def all(self) -> List[Rating]:
        c = table.c
        query = select(c.conversation_id, c.bundle_id, c.receipt_no, c.stars, c.comment).order_by(c.id)
        return await self.db.run(lambda conn: [Rating(*row) for row in conn.execute(query)])
