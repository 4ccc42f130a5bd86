"""工单: call backs, things that cannot be done now (办不成事), 回访 after a 差评 — with a due time,
an owner, notes, and a result when closed. Every 差评 gets its 回访 (`revisit_bad_ratings`)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.tables import desk_handoffs, desk_notes, desk_tickets, ratings
from bot.desk.rules import DeskRules
from bot.privacy import mask_name, mask_phone, mask_text

KINDS = ("callback", "unresolved", "revisit")
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone
_t = desk_tickets.c


class TicketError(ValueError):
    """A ticket action that cannot be done (unknown ticket, already closed); `code` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Ticket:
    id: int
    ticket_no: str
    kind: str
    state: str
    conversation_id: Optional[str]
    phone: Optional[str]  # full number: shown masked unless revealed (and audited)
    name: Optional[str]
    subject: str
    owner_id: Optional[str]
    created_by: Optional[str]
    created_at: float
    due_at: float
    closed_at: Optional[float]
    result: Optional[str]

    def view(self, now: float) -> dict:
        """As the desk lists it: personal data masked."""
        return {
            "id": self.id, "ticket_no": self.ticket_no, "kind": self.kind, "state": self.state,
            "conversation_id": self.conversation_id,
            "phone": mask_phone(self.phone) if self.phone else None,
            "name": mask_name(self.name) if self.name else None,
            "subject": self.subject, "owner_id": self.owner_id, "created_by": self.created_by,
            "created_at": self.created_at, "due_at": self.due_at, "closed_at": self.closed_at,
            "result": self.result, "overdue": self.state == "open" and self.due_at < now,
        }


def _ticket(row: Any) -> Ticket:
    return Ticket(row.id, row.ticket_no, row.kind, row.state, row.conversation_id, row.phone, row.name,
                  row.subject, row.owner_id, row.created_by, row.created_at, row.due_at, row.closed_at, row.result)


class Tickets:
    def __init__(self, db: Database, rules: DeskRules, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.rules = rules
        self.clock = clock

    def _number(self, now: float) -> str:
        day = self.rules.local(now).strftime("%Y%m%d")
        return f"GD-{day}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))

    def insert(self, conn: Connection, kind: str, subject: str, due_at: float, *, conversation_id: Optional[str] = None,
               phone: Optional[str] = None, name: Optional[str] = None, owner_id: Optional[str] = None,
               created_by: Optional[str] = None, rating_id: Optional[int] = None) -> Ticket:
        if kind not in KINDS:
            raise TicketError("unknown_kind")
        now = self.clock()
        values = dict(kind=kind, state="open", conversation_id=conversation_id, phone=phone, name=name,
                      subject=mask_text(subject)[:500], owner_id=owner_id, created_by=created_by, created_at=now,
                      due_at=due_at, rating_id=rating_id)
        for _ in range(5):  # a clash of random numbers is rare; draw again
            number = self._number(now)
            try:
                with conn.begin_nested():
                    inserted = conn.execute(desk_tickets.insert().values(ticket_no=number, **values))
                new_id = inserted.inserted_primary_key[0]
                break
            except IntegrityError:
                if rating_id is not None and conn.execute(select(_t.id).where(_t.rating_id == rating_id)).first():
                    raise
        else:
            raise TicketError("no_number")
        return _ticket(conn.execute(select(desk_tickets).where(_t.id == new_id)).one())

    async def open(self, kind: str, subject: str, due_at: Optional[float] = None, **kwargs: Any) -> Ticket:
        due = due_at if due_at is not None else self.default_due(kind)
        return await self.db.run(lambda conn: self.insert(conn, kind, subject, due, **kwargs), writer=True)

    def default_due(self, kind: str) -> float:
        days = self.rules.revisit_within_working_days if kind == "revisit" else self.rules.callback_within_working_days
        return self.rules.working_days_later(self.clock(), days)

    async def get(self, ticket_id: int) -> Optional[Ticket]:
        row = await self.db.run(lambda conn: conn.execute(select(desk_tickets).where(_t.id == ticket_id)).first())
        return _ticket(row) if row else None

    async def listing(self, state: Optional[str] = "open", kind: Optional[str] = None,
                      conversation_id: Optional[str] = None, limit: int = 200) -> List[Ticket]:
        query = select(desk_tickets)
        if state:
            query = query.where(_t.state == state)
        if kind:
            query = query.where(_t.kind == kind)
        if conversation_id:
            query = query.where(_t.conversation_id == conversation_id)
        query = query.order_by(_t.due_at, _t.id).limit(limit)
        return await self.db.run(lambda conn: [_ticket(r) for r in conn.execute(query)])

    async def take(self, ticket_id: int, staff_id: str) -> Ticket:
        """首问负责: whoever takes it owns it until it is passed on explicitly."""
        return await self._change(ticket_id, owner_id=staff_id)

    async def close(self, ticket_id: int, result: str) -> Ticket:
        if not result.strip():
            raise TicketError("result_required")
        return await self._change(ticket_id, state="closed", closed_at=self.clock(), result=mask_text(result)[:1000])

    async def _change(self, ticket_id: int, **values: Any) -> Ticket:
        def work(conn: Connection) -> Ticket:
            done = conn.execute(desk_tickets.update().where(_t.id == ticket_id, _t.state == "open")
                                .values(**values)).rowcount
            row = conn.execute(select(desk_tickets).where(_t.id == ticket_id)).first()
            if row is None:
                raise TicketError("not_found")
            if not done:
                raise TicketError("closed")
            return _ticket(row)

        return await self.db.run(work, writer=True)

    async def add_note(self, ticket_id: int, staff_id: str, text: str) -> None:
        if not text.strip():
            raise TicketError("empty_note")
        if await self.get(ticket_id) is None:
            raise TicketError("not_found")
        await self.db.run(lambda conn: conn.execute(desk_notes.insert().values(
            at=self.clock(), staff_id=staff_id, ticket_id=ticket_id, text=mask_text(text)[:2000])), writer=True)

    async def notes(self, ticket_id: int) -> List[dict]:
        query = select(desk_notes).where(desk_notes.c.ticket_id == ticket_id).order_by(desk_notes.c.id)
        return await self.db.run(lambda conn: [{"at": r.at, "staff_id": r.staff_id, "text": r.text}
                                               for r in conn.execute(query)])

    async def revisit_bad_ratings(self) -> int:
        """A 回访 ticket for every 差评 that has none yet (ratings by the bot or by an agent);
        the number opened. Safe to run from several processes: one ticket per rating."""
        r, h = ratings.c, desk_handoffs.c
        query = (select(r.id, r.at, r.conversation_id, r.bundle_id, r.receipt_no, r.stars, r.comment)
                 .select_from(ratings.outerjoin(desk_tickets, _t.rating_id == r.id))
                 .where(and_(r.stars.is_not(None), r.stars <= self.rules.bad_rating_max_stars, _t.id.is_(None)))
                 .order_by(r.id).limit(100))

        def work(conn: Connection) -> int:
            opened = 0
            for row in conn.execute(query).all():
                phone = None
                if row.conversation_id:
                    phone = conn.execute(select(h.caller_phone).where(h.conversation_id == row.conversation_id,
                                                                      h.caller_phone.is_not(None))
                                         .order_by(h.id.desc()).limit(1)).scalar()
                level = self.rules.rating_levels.get(row.stars, str(row.stars))
                subject = f"{level}（{row.stars}）" + (f"：{row.comment}" if row.comment else "")
                due = self.rules.working_days_later(row.at, self.rules.revisit_within_working_days)
                try:
                    self.insert(conn, "revisit", subject, due, conversation_id=row.conversation_id, phone=phone,
                                rating_id=row.id)
                    opened += 1
                except IntegrityError:
                    continue  # another process opened it a moment ago
            return opened

        return await self.db.run(work, writer=True)
