"""What an agent does to a conversation: take it from the queue, write to the person, act for them
through the dialogue's own steps (answer, correct, go back), give it back to the bot, and — for the
janitor — return a lost agent's conversations to the queue.

Every change of who holds a conversation happens inside the conversation's turn lease
(`store.turn()`), with a conditional update of its queue row: of two agents taking the same
conversation one wins, the other gets `DeskError("taken", holder=…)`."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select

from bot.db.tables import desk_handoffs, staff
from bot.desk.accounts import Staff
from bot.desk.desk import Desk
from bot.desk.queue import Handoff, handoff_of
from bot.dialogue.messages import Say, button, handoff_custom, unstamped
from bot.dialogue.stage import Mode, Stage
from bot.dialogue.turn import Incoming
from bot.engine.outcome import mask_value
from bot.privacy import mask_name, mask_text

_h, _s = desk_handoffs.c, staff.c
# What an agent may send for the person besides a button the bot offered: the always-available
# actions (上一步, 修改答案, 材料) and corrections of an answer or a field.
_FREE_INTENTS = ("go_back", "change_answer", "correct_field", "ask_materials")
MAX_MESSAGE = 1000
GRACE_S = 5.0  # an agent reloading the desk page is not "nobody online"
NAME_SOURCES = ("name", "legal_representative")  # form fields holding a person's name (masked like the dialogue)


class DeskError(Exception):
    """An action the desk refuses; `code` is shown to the agent in their words (desk strings)."""

    def __init__(self, code: str, status: int = 409, **detail: Any) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.detail = detail


def parse_payload(text: str) -> Tuple[str, List[Dict[str, Any]]]:
    """`/intent{"entity": value}` as Rasa reads a button payload (a list is one entity per element)."""
    name, brace, rest = text[1:].partition("{")
    entities: List[Dict[str, Any]] = []
    if brace:
        try:
            values = json.loads(brace + rest)
        except ValueError:
            raise DeskError("bad_payload", 400) from None
        if not isinstance(values, dict):
            raise DeskError("bad_payload", 400)
        for key, value in values.items():
            entities += [{"entity": key, "value": v} for v in (value if isinstance(value, list) else [value])]
    if not name.replace("_", "").isalnum():
        raise DeskError("bad_payload", 400)
    return name, entities


def _masked(desk: Desk, field_id: Optional[str], value: str) -> str:
    """A form value as the transcript keeps it (as the dialogue records what a person types)."""
    definition = desk.engine.catalogue.fields.get(field_id or "")
    if definition is None:
        return mask_text(value)
    if any(src.identity in NAME_SOURCES for src in definition.sources):
        return mask_name(value)
    return mask_value(definition.type, value) or value


def _messages(says: List[Say]) -> List[Dict[str, Any]]:
    return [{k: v for k, v in (("text", s.text), ("buttons", s.buttons), ("custom", s.custom)) if v} for s in says]


async def _conversation(desk: Desk, conversation_id: str):
    conversation = await desk.store.find(conversation_id)
    if conversation is None:
        raise DeskError("no_such_conversation", 404)
    return conversation


async def holding(desk: Desk, who: Staff, conversation_id: str) -> Handoff:
    """The conversation's open queue row, if this agent holds it; else DeskError("not_yours")."""
    row = await desk.queue.open_row(conversation_id)
    if row is None or row.state != "taken" or row.agent_id != who.staff_id:
        raise DeskError("not_yours", holder=row.agent_id if row else None)
    return row


# -- taking and giving back ------------------------------------------------------------------


async def take(desk: Desk, who: Staff, conversation_id: str) -> Handoff:
    row = await desk.queue.open_row(conversation_id)
    if row is None:
        raise DeskError("not_waiting")
    if row.state == "taken":
        raise DeskError("taken", holder=row.agent_id)
    if len(await desk.queue.held_by(who.staff_id)) >= who.capacity:
        raise DeskError("at_capacity", capacity=who.capacity)
    conversation = await _conversation(desk, conversation_id)
    now = desk.clock()
    async with desk.store.turn(conversation_id, conversation.channel) as held:
        latest = await desk.queue.open_row(conversation_id)
        if latest is not None and latest.state == "taken":
            raise DeskError("taken", holder=latest.agent_id)
        if latest is None or latest.id != row.id or held.mode is not Mode.WAITING:
            raise DeskError("not_waiting")  # the person stopped waiting a moment ago
        won = await desk.db.run(lambda conn: conn.execute(
            desk_handoffs.update().where(_h.id == row.id, _h.state == "waiting")
            .values(state="taken", agent_id=who.staff_id, taken_at=now)).rowcount, writer=True)
        if not won:
            latest = await desk.queue.open_row(conversation_id)
            raise DeskError("taken", holder=latest.agent_id if latest else None)
        await desk.db.run(lambda conn: conn.execute(
            desk_handoffs.update().where(_h.id == row.id, _h.first_taken_at.is_(None))
            .values(first_taken_at=now)), writer=True)
        held.mode = Mode.AGENT
        held.state.handoff = {"kind": "agent", "agent_no": who.staff_id, "reason": row.reason}
    # The choices of the pending step again (while waiting, the queue's buttons were the last
    # shown): the agent's screen offers them; nothing of this turn reaches the person.
    await desk.dialogue.handle(Incoming(text="/resume", intent="resume", sender_id=conversation_id,
                                        channel=conversation.channel), agent_no=who.staff_id)
    await desk.delivery.push(conversation_id, [{
        "text": desk.messages.get("handoff_agent_joined", "").format(agent_no=who.staff_id),
        "custom": handoff_custom("agent_joined", state="agent", agent_no=who.staff_id),
    }])
    await desk.audit.record(who.staff_id, "take", conversation_id, waited_s=round(now - row.requested_at, 1))
    return await desk.queue.open_row(conversation_id)


async def take_next(desk: Desk, who: Staff) -> Optional[Handoff]:
    """The person who has waited longest (first in, first out); None when nobody waits."""
    for row in await desk.queue.waiting(limit=20):
        try:
            return await take(desk, who, row.conversation_id)
        except DeskError as error:
            if error.code in ("at_capacity",):
                raise
            continue  # taken by another agent or left a moment ago: the next one
    return None


async def give_back(desk: Desk, who: Staff, conversation_id: str) -> None:
    """The bot answers again, starting with the question that was pending."""
    row = await holding(desk, who, conversation_id)
    conversation = await _conversation(desk, conversation_id)
    async with desk.store.turn(conversation_id, conversation.channel) as held:
        done = await desk.db.run(lambda conn: conn.execute(
            desk_handoffs.update().where(_h.id == row.id, _h.state == "taken", _h.agent_id == who.staff_id)
            .values(state="returned", ended_at=desk.clock())).rowcount, writer=True)
        if not done:
            raise DeskError("not_yours")
        held.mode, held.state.handoff = Mode.BOT, None
    await desk.delivery.push(conversation_id, [{
        "text": desk.messages.get("handoff_agent_returned", "").format(agent_no=who.staff_id),
        "custom": handoff_custom("agent_left", state="bot", agent_no=who.staff_id),
    }])
    turn = await desk.dialogue.handle(Incoming(text="/resume", intent="resume", sender_id=conversation_id,
                                               channel=conversation.channel), agent_no=who.staff_id)
    await desk.delivery.push(conversation_id, _messages(turn.says), speaker="bot")
    await desk.audit.record(who.staff_id, "give_back", conversation_id)


async def close(desk: Desk, who: Staff, conversation_id: str) -> None:
    """End a guided phone session (nothing goes back to a bot: the caller is on the phone)."""
    row = await holding(desk, who, conversation_id)
    conversation = await _conversation(desk, conversation_id)
    async with desk.store.turn(conversation_id, conversation.channel) as held:
        await desk.db.run(lambda conn: conn.execute(
            desk_handoffs.update().where(_h.id == row.id, _h.state == "taken")
            .values(state="closed", ended_at=desk.clock())), writer=True)
        held.mode, held.state.handoff = Mode.BOT, None
    await desk.audit.record(who.staff_id, "close", conversation_id)


# -- talking and acting for the person -------------------------------------------------------


async def say(desk: Desk, who: Staff, conversation_id: str, text: str, canned_id: Optional[str] = None) -> None:
    row = await holding(desk, who, conversation_id)
    if row.kind == "guided":
        raise DeskError("phone_session")  # the caller is on the phone: nothing to write to
    if canned_id:
        text = desk.rules.canned_text(canned_id) or ""
    text = (text or "").strip()
    if not text or len(text) > MAX_MESSAGE:
        raise DeskError("bad_message", 400)
    await desk.delivery.push(conversation_id, [{"text": text}], speaker="agent")
    await desk.audit.record(who.staff_id, "message", conversation_id, chars=len(text), canned=canned_id)


async def act(desk: Desk, who: Staff, conversation_id: str, *, payload: Optional[str] = None,
              text: Optional[str] = None, shown_as: Optional[str] = None,
              proxy: Optional[Dict[str, str]] = None) -> List[Say]:
    """Do for the person what they would do in the widget: press a button the bot offered (or an
    always-available action), or type an answer. The bot's replies reach the person as usual."""
    await holding(desk, who, conversation_id)
    conversation = await _conversation(desk, conversation_id)
    if payload:
        # Buttons carry the turn they were shown in (bot/dialogue/messages.py stamped); a payload
        # is one of them whatever turn it names, and is sent as shown now.
        offered = {unstamped(b.get("payload", "")): b for b in conversation.offered}
        shown = offered.get(unstamped(payload))
        intent, entities = parse_payload(payload)
        if shown is None and intent not in _FREE_INTENTS:
            raise DeskError("stale_choice")  # not among the choices the bot shows now
        if shown is not None:
            payload = shown["payload"]
            intent, entities = parse_payload(payload)
        if conversation.state.stage is Stage.CONSENT and intent == "affirm" and proxy is None:
            raise DeskError("use_submit")  # submitting for someone records how they consented
        incoming = Incoming(text=payload, intent=intent, entities=entities)
        if intent == "correct_field":
            values = {e["entity"]: e["value"] for e in entities}
            field_id = str(values.get("field_id"))
            label = desk.engine.catalogue.fields[field_id].label if field_id in desk.engine.catalogue.fields else ""
            shown_as = f"{label}：{_masked(desk, field_id, str(values.get('value', '')))}"
        shown_as = shown_as or (shown or {}).get("title") or payload
    else:
        text = (text or "").strip()
        if not text or len(text) > MAX_MESSAGE:
            raise DeskError("bad_message", 400)
        stage = conversation.state.stage
        incoming = Incoming(text=text, intent="describe_need" if stage is Stage.IDLE else "answer")
        typed_field = conversation.state.pending_field if stage is Stage.FILLING else None
        shown_as = _masked(desk, typed_field, text) if typed_field else shown_as or text
    incoming.sender_id, incoming.channel, incoming.proxy = conversation_id, conversation.channel, proxy
    turn = await desk.dialogue.handle(incoming, agent_no=who.staff_id)
    acted = {"text": desk.messages.get("handoff_agent_acted", "").format(agent_no=who.staff_id, action=shown_as)}
    await desk.delivery.push(conversation_id, [acted], speaker="agent")
    await desk.delivery.push(conversation_id, _messages(turn.says), speaker="bot")
    await desk.audit.record(who.staff_id, "act", conversation_id, did=shown_as[:80])
    return turn.says


# -- the janitor -----------------------------------------------------------------------------


async def tell_nobody_online(desk: Desk) -> int:
    """People still waiting when no agent is online any more are told so once, with the hotline
    and a call back on offer (the expected wait they were given no longer holds)."""
    if (await desk.queue.availability()).agents_online:
        return 0
    now = desk.clock()
    query = select(desk_handoffs).where(_h.state == "waiting", _h.told_nobody_at.is_(None),
                                        _h.requested_at < now - GRACE_S)
    rows = [handoff_of(r) for r in await desk.db.run(lambda conn: conn.execute(query).all())]
    cat = desk.engine.catalogue
    buttons = [button(cat.label("button", "callback"), "ask_human", value="callback"),
               button(cat.label("button", "leave_queue"), "resume")]
    for row in rows:
        await desk.db.run(lambda conn, row_id=row.id: conn.execute(
            desk_handoffs.update().where(_h.id == row_id).values(told_nobody_at=now)), writer=True)
        await desk.delivery.push(row.conversation_id, [{
            "text": desk.messages.get("handoff_nobody_now", "").format(hotline=desk.rules.hotline), "buttons": buttons,
            "custom": handoff_custom("nobody_online", state="callback"),
        }])
    return len(rows)



async def requeue_lost(desk: Desk) -> int:
    """Conversations held by agents whose desk stopped polling (a closed tab) go back to the
    queue, in their old place, and the person is told; the number returned."""
    stale = desk.clock() - desk.settings.desk_agent_timeout_s
    await desk.accounts.gone_quiet(stale)
    query = (select(desk_handoffs).join(staff, _s.staff_id == _h.agent_id)
             .where(_h.state == "taken", _h.kind == "citizen", (_s.last_seen.is_(None)) | (_s.last_seen < stale)))
    rows = [handoff_of(r) for r in await desk.db.run(lambda conn: conn.execute(query).all())]
    moved = 0
    for row in rows:
        if await _requeue(desk, row):
            moved += 1
    return moved


async def _requeue(desk: Desk, row: Handoff) -> bool:
    conversation = await desk.store.find(row.conversation_id)
    if conversation is None:
        return False
    async with desk.store.turn(row.conversation_id, conversation.channel) as held:
        back = await desk.db.run(lambda conn: conn.execute(
            desk_handoffs.update().where(_h.id == row.id, _h.state == "taken", _h.agent_id == row.agent_id)
            .values(state="waiting", agent_id=None, taken_at=None)).rowcount, writer=True)
        if back:
            held.mode = Mode.WAITING
            held.state.handoff = {"kind": "queued", "reason": row.reason}
    if back:
        place = await desk.queue.place(row.conversation_id)
        ahead = place.ahead if place else 0
        await desk.delivery.push(row.conversation_id, [{
            "text": desk.messages.get("handoff_agent_lost", "").format(agent_no=row.agent_id, ahead=ahead),
            "custom": handoff_custom("agent_lost", state="waiting", ahead=ahead,
                                     wait_minutes=place.wait_minutes if place else None),
        }])
        await desk.audit.record(None, "requeue", row.conversation_id, agent=row.agent_id)
    return bool(back)
