"""The desk's audit log: every staff action, and every unmasked value a staff member saw (who,
what, which conversation, when). Details are stored with personal data masked."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy import select

from bot.db import Database
from bot.db.tables import desk_audit
from bot.privacy import mask_text

_a = desk_audit.c


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    staff_id: Optional[str]
    action: str
    conversation_id: Optional[str]
    detail: Dict[str, Any]

    def view(self) -> dict:
        return {"id": self.id, "at": self.at, "staff_id": self.staff_id, "action": self.action,
                "conversation_id": self.conversation_id, "detail": self.detail}


class Audit:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock

    async def record(self, staff_id: Optional[str], action: str, conversation_id: Optional[str] = None,
                     **detail: Any) -> None:
        text = json.dumps({k: mask_text(v) if isinstance(v, str) else v for k, v in detail.items()},
                          ensure_ascii=False) if detail else None
        values = dict(at=self.clock(), staff_id=staff_id, action=action[:32], conversation_id=conversation_id,
                      detail=text)
        await self.db.run(lambda conn: conn.execute(desk_audit.insert().values(**values)), writer=True)

    async def recent(self, limit: int = 200, action: Optional[str] = None,
                     conversation_id: Optional[str] = None) -> List[AuditEntry]:
        query = select(desk_audit)
        if action:
            query = query.where(_a.action == action)
        if conversation_id:
            query = query.where(_a.conversation_id == conversation_id)
        query = query.order_by(_a.id.desc()).limit(limit)
        return await self.db.run(lambda conn: [
            AuditEntry(r.id, r.at, r.staff_id, r.action, r.conversation_id, json.loads(r.detail) if r.detail else {})
            for r in conn.execute(query)])
