"""What the desk shows, personal data masked: the queue (FIFO, with waiting time, channel, need,
bundle, stage and answers so far), the agent's own conversations, and one conversation whole —
its transcript and the bot's context from the engine (bundle, answers, the pending question and
the choices on offer, the notice, the form, the receipt), notes, SMS sent and 工单."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Optional

from sqlalchemy import select

from bot.db.tables import desk_notes
from bot.desk.accounts import Staff
from bot.desk.control import NAME_SOURCES, DeskError
from bot.desk.desk import CITIZEN_LEFT_S, Desk
from bot.desk.guided import caller_view, read_context, sms_sent
from bot.desk.queue import Handoff
from bot.dialogue.messages import bundle_custom, form_custom, materials_custom
from bot.dialogue.stage import Stage
from bot.dialogue.state import ConversationState
from bot.dialogue.steps import consent
from bot.dialogue.steps.form import form_lines
from bot.engine.outcome import FieldLine, mask_value
from bot.privacy import mask_name, mask_text

ROUTING = (Stage.IDLE, Stage.CHOOSING, Stage.CONFIRMING)
ANSWERS_IN_QUEUE = 4


def left(desk: Desk, row: Optional[Handoff]) -> bool:
    """The person closed the widget: their stream was open once and has been closed a while."""
    if row is None or row.kind != "citizen" or row.citizen_seen_at is None:
        return False
    return row.citizen_seen_at < desk.clock() - CITIZEN_LEFT_S


def _bundle_name(desk: Desk, state: ConversationState) -> Optional[str]:
    bundles = desk.engine.catalogue.bundles
    return bundles[state.bundle_id].name if state.bundle_id in bundles else None


def _answers(desk: Desk, state: ConversationState, limit: Optional[int] = None) -> List[Dict[str, Any]]:
    if not state.bundle_id or state.bundle_id not in desk.engine.catalogue.bundles:
        return []
    views = desk.engine.answers_view(state.bundle_id, _coerced(desk, state))
    return [{"question_id": v.question_id, "question": v.question, "value": mask_text(str(v.display)),
             "source": v.source} for v in views][:limit]


def _coerced(desk: Desk, state: ConversationState) -> Dict[str, Any]:
    from bot.dialogue.context import Context
    from bot.dialogue.turn import Incoming

    return Context(desk.dialogue.services, state, Incoming()).answers()


async def row_view(desk: Desk, row: Handoff, position: Optional[int] = None) -> Dict[str, Any]:
    conversation = await desk.store.find(row.conversation_id)
    state = conversation.state if conversation else ConversationState()
    now = desk.clock()
    return {
        "conversation_id": row.conversation_id, "kind": row.kind, "channel": row.channel, "state": row.state,
        "position": position, "waiting_s": round(now - row.requested_at, 1),
        "held_s": round(now - row.taken_at, 1) if row.taken_at else None, "agent_id": row.agent_id,
        "need": mask_text(state.need_text) if state.need_text else None,
        "bundle_id": state.bundle_id, "bundle": _bundle_name(desk, state), "stage": state.stage.value,
        "answers": _answers(desk, state, ANSWERS_IN_QUEUE), "answered": len(state.answers),
        "left": left(desk, row), "caller": caller_view(row),
    }


async def overview(desk: Desk, who: Staff) -> Dict[str, Any]:
    waiting = await desk.queue.waiting()
    mine = await desk.queue.held_by(who.staff_id)
    availability = await desk.queue.availability()
    return {
        "me": {**who.view(), "holding": len(mine)},
        "now": desk.clock(),
        "open": availability.open, "agents_online": availability.agents_online,
        "queue": [await row_view(desk, row, n) for n, row in enumerate(waiting, 1)],
        "mine": [await row_view(desk, row) for row in mine],
    }


def _may_see(who: Staff, row: Optional[Handoff]) -> bool:
    """Supervisors observe anything; an agent sees what waits (to pick it) and what they hold."""
    if who.supervisor:
        return True
    return row is not None and (row.state == "waiting" or row.agent_id == who.staff_id)


async def conversation(desk: Desk, who: Staff, conversation_id: str, after: int = 0,
                       context_key: str = "") -> Dict[str, Any]:
    found = await desk.store.find(conversation_id)
    if found is None:
        raise DeskError("no_such_conversation", 404)
    row = await desk.queue.latest_row(conversation_id)
    if not _may_see(who, row):
        raise DeskError("forbidden", 403)
    lines = [line for line in await desk.store.transcript(conversation_id) if line.id > after]
    key = hashlib.sha256(json.dumps([found.state.to_json(), found.mode.value, found.offered], sort_keys=True,
                                    ensure_ascii=False, default=str).encode()).hexdigest()[:16]
    holder = row.agent_id if row and row.state == "taken" else None
    out: Dict[str, Any] = {
        "conversation_id": conversation_id, "channel": found.channel, "mode": found.mode.value,
        "stage": found.state.stage.value, "handoff": None, "holder": holder,
        "mine": holder == who.staff_id, "left": left(desk, row), "context_key": key,
        "lines": [{"id": line.id, "at": line.at, "speaker": line.speaker, "text": line.text,
                   "data": line.data} for line in lines],
    }
    if row is not None:
        out["handoff"] = {"kind": row.kind, "state": row.state, "agent_id": row.agent_id,
                          "requested_at": row.requested_at, "taken_at": row.taken_at, "caller": caller_view(row)}
    if key != context_key:
        out["context"] = await bot_context(desk, conversation_id, found.offered)
        out["notes"] = await notes(desk, conversation_id)
        out["sms"] = await sms_sent(desk, conversation_id)
        out["tickets"] = [t.view(desk.clock()) for t in
                          await desk.tickets.listing(state=None, conversation_id=conversation_id)]
    return out


async def bot_context(desk: Desk, conversation_id: str, offered: List[Dict[str, str]]) -> Dict[str, Any]:
    """The bot's side of the conversation, from the same engine calls the dialogue makes."""
    ctx = await read_context(desk, conversation_id)
    state, cat = ctx.state, ctx.cat
    out: Dict[str, Any] = {
        "bundle_id": state.bundle_id, "bundle": _bundle_name(desk, state), "stage": state.stage.value,
        "need": mask_text(state.need_text) if state.need_text else None,
        "answers": _answers(desk, state), "offered": offered, "pending_question": None,
        "pending_field": state.pending_field, "notice": None, "summary": None, "form": None,
        "application": state.application,
    }
    question = ctx.pending_question()
    if question is not None:
        out["pending_question"] = {"question_id": question.id, "text": question.text, "kind": question.kind,
                                   "why": question.why, "unit": question.unit}
    if state.bundle_id and state.bundle_id in cat.bundles and state.stage not in ROUTING:
        outcome = await ctx.outcome()
        out["notice"] = materials_custom(cat, outcome)
        out["summary"] = bundle_custom(cat, outcome)
        lines = [_shown(cat, line, state.form.get(line.field_id)) for line in await form_lines(ctx)]
        out["form"] = form_custom(cat, outcome.bundle_id, lines, outcome.prefill_ratio)
        if consent.submitted(ctx):  # the printed notice carries the 受理编号 it was filed under
            filed = state.application or {}
            out["notice_application"] = {k: filed.get(k) for k in ("receipt_no", "status", "bundle_id")}
    return out


def _shown(cat: Any, line: FieldLine, typed: Optional[str]) -> FieldLine:
    """A value typed for the person (or by them) laid over the prefilled one, masked for display
    (names too: the desk shows them whole only when revealed)."""
    value, source = (typed, "applicant") if typed else (line.value, line.source)
    display = mask_value(line.type, value) if value else line.display
    definition = cat.fields.get(line.field_id)
    if value and definition and any(src.identity in NAME_SOURCES for src in definition.sources):
        display = mask_name(value)
    return FieldLine(line.field_id, line.label, line.type, value, display, source, line.source_detail if not typed
                     else None, line.required, line.options, line.hint)


async def reveal(desk: Desk, who: Staff, conversation_id: str, what: str) -> Dict[str, Any]:
    """One unmasked value, for the agent holding the conversation or a supervisor; always audited."""
    row = await desk.queue.latest_row(conversation_id)
    holder = row is not None and row.state == "taken" and row.agent_id == who.staff_id
    if not (holder or who.supervisor):
        raise DeskError("forbidden", 403)
    value: Optional[str] = None
    if what in ("caller_phone", "caller_name"):
        value = getattr(row, what, None) if row else None
    elif what.startswith("field:"):
        field_id = what.split(":", 1)[1]
        ctx = await read_context(desk, conversation_id)
        value = ctx.state.form.get(field_id)
        if value is None and ctx.state.bundle_id and ctx.state.stage not in ROUTING:
            value = next((line.value for line in await form_lines(ctx) if line.field_id == field_id), None)
    else:
        raise DeskError("bad_field", 400)
    if value is None:
        raise DeskError("no_value", 404)
    await desk.audit.record(who.staff_id, "reveal", conversation_id, field=what)
    return {"field": what, "value": value}


async def notes(desk: Desk, conversation_id: str) -> List[Dict[str, Any]]:
    query = select(desk_notes).where(desk_notes.c.conversation_id == conversation_id).order_by(desk_notes.c.id)
    return await desk.db.run(lambda conn: [{"at": r.at, "staff_id": r.staff_id, "text": r.text}
                                           for r in conn.execute(query)])


async def add_note(desk: Desk, who: Staff, conversation_id: str, text: str) -> None:
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise DeskError("bad_note", 400)
    row = await desk.queue.latest_row(conversation_id)
    if not _may_see(who, row):
        raise DeskError("forbidden", 403)
    await desk.db.run(lambda conn: conn.execute(desk_notes.insert().values(
        at=desk.clock(), staff_id=who.staff_id, conversation_id=conversation_id, text=mask_text(text))),
        writer=True)
    await desk.audit.record(who.staff_id, "note", conversation_id)
