"""The queue for a human: requests (转人工) first in first out, who is online to answer them, and
the dialogue's side of it (bot/dialogue/steps/handoff.py talks to `DeskQueue`).

Rows of `desk_handoffs` change only while their conversation's turn lease is held (a turn of the
dialogue, or a desk action through `store.turn()`), so a row and the conversation's mode agree;
the conditional updates below decide races between agents."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.db import Database
from bot.db.tables import desk_handoffs, staff
from bot.desk.rules import DeskRules
from bot.desk.tickets import Ticket, Tickets

OPEN = ("waiting", "taken")
_h, _s = desk_handoffs.c, staff.c


@dataclass(frozen=True)
class Availability:
    open: bool  # within the desk's hours
    agents_online: int
    hours_text: str
    hotline: str


@dataclass(frozen=True)
class Place:
    ahead: int  # people before this one in the queue
    wait_minutes: int


@dataclass(frozen=True)
class Handoff:
    id: int
    conversation_id: str
    kind: str  # citizen | guided
    channel: str
    reason: str
    state: str
    requested_at: float
    taken_at: Optional[float]
    ended_at: Optional[float]
    agent_id: Optional[str]
    citizen_seen_at: Optional[float]
    caller_phone: Optional[str]
    caller_name: Optional[str]


def handoff_of(row: Any) -> Handoff:
    return Handoff(row.id, row.conversation_id, row.kind, row.channel, row.reason, row.state, row.requested_at,
                   row.taken_at, row.ended_at, row.agent_id, row.citizen_seen_at, row.caller_phone, row.caller_name)


class DeskQueue:
    def __init__(self, db: Database, rules: DeskRules, agent_timeout_s: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.rules = rules
        self.agent_timeout_s = agent_timeout_s
        self.clock = clock
        self.tickets = Tickets(db, rules, clock)

    # -- who can answer --------------------------------------------------------------------

    def online_clause(self, now: float):
        return (_s.presence == "online") & (_s.last_seen >= now - self.agent_timeout_s)

    async def availability(self) -> Availability:
        now = self.clock()
        query = select(func.count()).select_from(staff).where(self.online_clause(now))
        online = await self.db.run(lambda conn: conn.execute(query).scalar() or 0)
        return Availability(self.rules.is_open(now), int(online), self.rules.hours_text, self.rules.hotline)

    # -- the dialogue's side ---------------------------------------------------------------

    async def enqueue(self, conversation_id: str, channel: str, reason: str) -> Place:
        """Join the queue (or stay where one already is); call with the conversation's lease held."""

        def work(conn: Connection) -> Place:
            row = self._open(conn, conversation_id)
            if row is None:
                conn.execute(desk_handoffs.insert().values(
                    conversation_id=conversation_id, kind="citizen", channel=channel, reason=reason[:32],
                    state="waiting", requested_at=self.clock()))
            return self._place(conn, conversation_id)

        return await self.db.run(work, writer=True)

    async def place(self, conversation_id: str) -> Optional[Place]:
        return await self.db.run(lambda conn: self._place(conn, conversation_id))

    async def leave(self, conversation_id: str) -> None:
        """The person stopped waiting; call with the conversation's lease held."""
        await self.db.run(lambda conn: conn.execute(
            desk_handoffs.update().where(_h.conversation_id == conversation_id, _h.state == "waiting")
            .values(state="cancelled", ended_at=self.clock())), writer=True)

    async def request_callback(self, conversation_id: str, phone: str, subject: str) -> Ticket:
        """A call back the person asked for, kept as a 工单 due within the rules' working days."""
        return await self.tickets.open("callback", subject, conversation_id=conversation_id, phone=phone)

    def _open(self, conn: Connection, conversation_id: str) -> Optional[Handoff]:
        row = conn.execute(select(desk_handoffs).where(_h.conversation_id == conversation_id, _h.state.in_(OPEN))
                           .order_by(_h.id.desc()).limit(1)).first()
        return handoff_of(row) if row else None

    def _place(self, conn: Connection, conversation_id: str) -> Optional[Place]:
        row = self._open(conn, conversation_id)
        if row is None or row.state != "waiting":
            return None
        ahead = conn.execute(select(func.count()).select_from(desk_handoffs).where(
            _h.state == "waiting", (_h.requested_at < row.requested_at)
            | ((_h.requested_at == row.requested_at) & (_h.id < row.id)))).scalar() or 0
        online = conn.execute(select(func.count()).select_from(staff)
                              .where(self.online_clause(self.clock()))).scalar() or 0
        minutes = math.ceil((ahead + 1) * self.rules.minutes_per_caller / max(online, 1))
        return Place(int(ahead), max(1, minutes))

    def local(self, epoch: float):
        """A time in the desk's time zone (what a person is told)."""
        return self.rules.local(epoch)

    # -- the desk's side -------------------------------------------------------------------

    async def open_row(self, conversation_id: str) -> Optional[Handoff]:
        return await self.db.run(lambda conn: self._open(conn, conversation_id))

    async def latest_row(self, conversation_id: str) -> Optional[Handoff]:
        query = select(desk_handoffs).where(_h.conversation_id == conversation_id).order_by(_h.id.desc()).limit(1)
        row = await self.db.run(lambda conn: conn.execute(query).first())
        return handoff_of(row) if row else None

    async def waiting(self, limit: int = 200) -> List[Handoff]:
        query = select(desk_handoffs).where(_h.state == "waiting").order_by(_h.requested_at, _h.id).limit(limit)
        return await self.db.run(lambda conn: [handoff_of(r) for r in conn.execute(query)])

    async def held_by(self, staff_id: str) -> List[Handoff]:
        query = (select(desk_handoffs).where(_h.state == "taken", _h.agent_id == staff_id)
                 .order_by(_h.taken_at, _h.id))
        return await self.db.run(lambda conn: [handoff_of(r) for r in conn.execute(query)])

    async def held_counts(self) -> Dict[str, int]:
        query = select(_h.agent_id, func.count()).where(_h.state == "taken").group_by(_h.agent_id)
        return await self.db.run(lambda conn: {a: int(n) for a, n in conn.execute(query)})

    async def seen(self, seen_at: Dict[str, float]) -> None:
        """The people of these conversations had the widget open (its stream connected) at these
        times; a time never moves a row's back (another process may have seen the person later)."""
        if not seen_at:
            return
        by_time: Dict[float, List[str]] = {}
        for conversation_id, at in seen_at.items():
            by_time.setdefault(at, []).append(conversation_id)

        def write(conn: Connection) -> None:
            for at, ids in by_time.items():
                conn.execute(desk_handoffs.update().where(
                    _h.conversation_id.in_(ids), _h.state.in_(OPEN),
                    _h.citizen_seen_at.is_(None) | (_h.citizen_seen_at < at)).values(citizen_seen_at=at))

        await self.db.run(write, writer=True)
