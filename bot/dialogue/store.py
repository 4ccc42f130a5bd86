"""The conversation store: state, mode, the choices last offered and the whole transcript, one
turn per conversation at a time across processes.

One turn holds a lease on the conversation's row (`lease_owner`, `lease_until`): taken with a
conditional UPDATE, renewed while the turn runs, given back when the new state and the turn's
transcript lines are written in one transaction. A second turn of the same conversation, in
this process or another, waits for the lease; a process killed mid-turn loses it after
`lease_s` seconds by itself. The same code runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Dict, List, Optional

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.tables import conversations, transcript
from bot.dialogue.stage import Mode, Stage
from bot.dialogue.state import ConversationState
from bot.privacy import mask_text
from bot.sealing import Sealer

logger = logging.getLogger(__name__)
_conv, _line = conversations.c, transcript.c

LEASE_S = 5.0  # a killed process holds a conversation no longer than this
WAIT_S = 8.0  # a turn waits this long for another turn of the same conversation


class ConversationBusy(RuntimeError):
    """Another turn of this conversation held it for longer than a turn may wait."""


class LeaseLost(RuntimeError):
    """This turn ran past its lease and another took the conversation: nothing was saved."""


@dataclass(frozen=True)
class Line:
    """One message of the transcript, as stored (personal data masked)."""

    id: int
    turn: int
    at: float
    speaker: str  # person | bot | agent | system
    channel: str
    pushed: bool
    text: Optional[str]
    data: Optional[Dict[str, Any]]  # buttons and the contract's custom object
    conversation_id: str = ""

    def message(self) -> Dict[str, Any]:
        """The line as a contract message (docs/message-contract.md)."""
        out: Dict[str, Any] = {"id": self.id, "speaker": self.speaker, "at": self.at}
        if self.text:
            out["text"] = self.text
        out.update(self.data or {})
        return out


@dataclass
class Conversation:
    """A conversation as one turn sees it; what the turn changes is saved when it ends."""

    conversation_id: str
    channel: str
    mode: Mode
    state: ConversationState
    offered: List[Dict[str, str]]  # the buttons last shown: [{title, payload}]
    turn: int
    is_new: bool
    updated_at: float = 0.0  # when its last turn ended
    last_message_id: Optional[str] = None  # the last message answered, and its answer
    last_reply: Optional[List[Dict[str, Any]]] = None
    lines: List[Dict[str, Any]] = field(default_factory=list)

    def log(self, speaker: str, text: Optional[str], data: Optional[Dict[str, Any]] = None) -> None:
        self.lines.append({"speaker": speaker, "text": text, "data": data})

    def offered_title(self, payload: str) -> Optional[str]:
        """What the person saw on the button that sent `payload`, if it was offered last."""
        return next((choice["title"] for choice in self.offered if choice.get("payload") == payload), None)


class ConversationStore:
    """State and transcript lines are sealed at rest (bot/sealing.py): they hold what people
    typed and what the form says, names and all."""

    def __init__(self, db: Database, sealer: Sealer, lease_s: float = LEASE_S, wait_s: float = WAIT_S) -> None:
        self.db = db
        self.sealer = sealer
        self.lease_s = lease_s
        self.wait_s = wait_s

    @asynccontextmanager
    async def turn(self, conversation_id: str, channel: str) -> AsyncIterator[Conversation]:
        """Hold the conversation for one turn. On a clean exit its state, mode, offered
        choices and transcript lines are saved together; on an exception nothing is."""
        token = uuid.uuid4().hex[:16]
        conversation = await self._acquire(conversation_id, channel, token)
        renewal = asyncio.create_task(self._keep(conversation_id, token))
        try:
            yield conversation
        except BaseException:
            renewal.cancel()
            await self._release(conversation_id, token)
            raise
        renewal.cancel()
        await self.db.run(lambda conn: self._save(conn, conversation, token), writer=True)

    async def _acquire(self, conversation_id: str, channel: str, token: str) -> Conversation:
        deadline = time.monotonic() + self.wait_s
        delay = 0.005
        while True:
            try:
                found = await self.db.run(lambda conn: self._take(conn, conversation_id, channel, token), writer=True)
            except IntegrityError:
                found = None  # another process created the row a moment ago: take it next time
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                logger.warning("conversation %s stayed busy for %.0fs", conversation_id[:12], self.wait_s)
                raise ConversationBusy(conversation_id)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)

    def _take(self, conn: Connection, conversation_id: str, channel: str, token: str) -> Optional[Conversation]:
        now = time.time()
        taken = conn.execute(
            conversations.update()
            .where(_conv.conversation_id == conversation_id)
            .where(or_(_conv.lease_until.is_(None), _conv.lease_until < now))
            .values(lease_owner=token, lease_until=now + self.lease_s)
        ).rowcount
        if taken:
            row = conn.execute(select(conversations).where(_conv.conversation_id == conversation_id)).one()
            return self._conversation(row)
        exists = conn.execute(select(_conv.turn).where(_conv.conversation_id == conversation_id)).first()
        if exists is not None:
            return None  # held by another turn
        state = ConversationState(channel=channel)
        conn.execute(conversations.insert().values(
            conversation_id=conversation_id, channel=channel, stage=state.stage.value, mode=Mode.BOT.value,
            state=self._sealed_state(state), offered="[]", turn=0,
            lease_owner=token, lease_until=now + self.lease_s, created_at=now, updated_at=now, anonymised=False,
        ))
        return Conversation(conversation_id, channel, Mode.BOT, state, [], 0, True, updated_at=now)

    def _conversation(self, row: Any) -> Conversation:
        return Conversation(
            conversation_id=row.conversation_id,
            channel=row.channel,
            mode=Mode(row.mode),
            state=ConversationState.from_json(json.loads(self.sealer.open(row.state))),
            offered=json.loads(row.offered),
            turn=row.turn,
            is_new=False,
            updated_at=row.updated_at,
            last_message_id=row.last_message_id,
            last_reply=json.loads(self.sealer.open(row.last_reply)) if row.last_reply else None,
        )

    def _sealed_state(self, state: ConversationState) -> str:
        return self.sealer.seal(json.dumps(state.to_json(), ensure_ascii=False))

    async def _keep(self, conversation_id: str, token: str) -> None:
        """Renew the lease while a slow turn (an application being submitted) runs."""
        while True:
            await asyncio.sleep(self.lease_s / 3)

            def renew(conn: Connection) -> int:
                return conn.execute(
                    conversations.update()
                    .where(_conv.conversation_id == conversation_id, _conv.lease_owner == token)
                    .values(lease_until=time.time() + self.lease_s)
                ).rowcount

            try:
                if not await self.db.run(renew, writer=True):
                    logger.warning("conversation %s: lease lost mid-turn", conversation_id[:12])
                    return
            except Exception:  # noqa: BLE001 - a failed renewal is retried; the save checks the lease
                logger.warning("conversation %s: lease renewal failed", conversation_id[:12])

    async def _release(self, conversation_id: str, token: str) -> None:
        try:
            await self.db.run(lambda conn: conn.execute(
                conversations.update()
                .where(_conv.conversation_id == conversation_id, _conv.lease_owner == token)
                .values(lease_owner=None, lease_until=None)
            ), writer=True)
        except Exception:  # noqa: BLE001 - the lease runs out by itself
            logger.warning("conversation %s: lease not released; it expires in %.0fs", conversation_id[:12],
                           self.lease_s)

    def _save(self, conn: Connection, conversation: Conversation, token: str) -> None:
        now = time.time()
        state = conversation.state
        saved = conn.execute(
            conversations.update()
            .where(_conv.conversation_id == conversation.conversation_id, _conv.lease_owner == token)
            .values(
                channel=conversation.channel, stage=state.stage.value, mode=conversation.mode.value,
                state=self._sealed_state(state),
                offered=json.dumps(conversation.offered, ensure_ascii=False),
                turn=conversation.turn, lease_owner=None, lease_until=None, updated_at=now, anonymised=False,
                last_message_id=conversation.last_message_id,
                last_reply=self.sealer.seal(json.dumps(conversation.last_reply, ensure_ascii=False))
                if conversation.last_reply is not None else None,
            )
        ).rowcount
        if not saved:
            raise LeaseLost(conversation.conversation_id)
        if conversation.lines:
            conn.execute(transcript.insert(), [
                self._row(conversation.conversation_id, conversation.turn, conversation.channel, now, line, False)
                for line in conversation.lines
            ])

    # -- outside a turn --------------------------------------------------------------------

    async def push(self, conversation_id: str, speaker: str, messages: List[Dict[str, Any]]) -> List[Line]:
        """Record messages that reach the person outside a reply (delivery adapters send them)."""

        def work(conn: Connection) -> List[Line]:
            row = conn.execute(
                select(_conv.turn, _conv.channel).where(_conv.conversation_id == conversation_id)
            ).first()
            if row is None:
                return []
            now = time.time()
            lines = [{"speaker": speaker, "text": m.get("text"), "data": _data(m)} for m in messages]
            ids = [
                conn.execute(transcript.insert().values(**self._row(conversation_id, row.turn, row.channel, now,
                                                                    line, True))).inserted_primary_key[0]
                for line in lines
            ]
            rows = conn.execute(select(transcript).where(_line.id.in_(ids)).order_by(_line.id)).all()
            return [self._line_of(r) for r in rows]

        return await self.db.run(work, writer=True)

    async def pushed_after(self, conversation_id: str, after_id: int, limit: int = 50) -> List[Line]:
        query = (
            select(transcript)
            .where(_line.conversation_id == conversation_id, _line.pushed.is_(True), _line.id > after_id)
            .order_by(_line.id).limit(limit)
        )
        return await self.db.run(lambda conn: [self._line_of(r) for r in conn.execute(query)])

    async def pushed_since(self, after_id: int, limit: int = 500) -> List[Line]:
        """Pushed lines of every conversation after `after_id`, oldest first (the stream hub)."""
        query = select(transcript).where(_line.pushed.is_(True), _line.id > after_id).order_by(_line.id).limit(limit)
        return await self.db.run(lambda conn: [self._line_of(r) for r in conn.execute(query)])

    async def last_line_id(self) -> int:
        query = select(_line.id).order_by(_line.id.desc()).limit(1)
        return await self.db.run(lambda conn: conn.execute(query).scalar() or 0)

    async def find(self, conversation_id: str) -> Optional[Conversation]:
        """The conversation as last saved (read-only), or None when there is no such id."""

        def work(conn: Connection) -> Optional[Conversation]:
            row = conn.execute(select(conversations).where(_conv.conversation_id == conversation_id)).first()
            return self._conversation(row) if row is not None else None

        return await self.db.run(work)

    async def transcript(self, conversation_id: str) -> List[Line]:
        query = select(transcript).where(_line.conversation_id == conversation_id).order_by(_line.id)
        return await self.db.run(lambda conn: [self._line_of(r) for r in conn.execute(query)])


    def _row(self, conversation_id: str, turn: int, channel: str, at: float, line: Dict[str, Any],
             pushed: bool) -> Dict[str, Any]:
        text = line.get("text")
        return {
            "conversation_id": conversation_id,
            "turn": turn,
            "at": at,
            "speaker": line["speaker"],
            "channel": channel,
            "pushed": pushed,
            # People type ID numbers and phones into free text: masked, then sealed like the rest.
            "text": self.sealer.seal(mask_text(text)) if text else None,
            "data": self.sealer.seal(json.dumps(line["data"], ensure_ascii=False)) if line.get("data") else None,
        }

    def _line_of(self, row: Any) -> Line:
        data = self.sealer.open(row.data)
        return Line(row.id, row.turn, row.at, row.speaker, row.channel, bool(row.pushed), self.sealer.open(row.text),
                    json.loads(data) if data else None, row.conversation_id)


def _data(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    data = {k: message[k] for k in ("buttons", "custom") if message.get(k)}
    return data or None


__all__ = ["ConversationStore", "Conversation", "ConversationBusy", "LeaseLost", "Line", "Stage", "Mode"]
