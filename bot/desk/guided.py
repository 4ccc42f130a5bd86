"""帮办代办 for a caller who cannot do it alone: a guided session the agent drives by clicking the
same questionnaire; the 一次性告知单 sent by SMS (a short link to the printable notice); the
application submitted on the caller's behalf, marked 代办 with the agent and how consent was
given, the receipt sent by SMS; the caller's 好差评 recorded (a 差评 opens a 回访)."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any, Dict, List, Optional

from sqlalchemy import select

from bot.db.tables import desk_handoffs, notice_links, sms_messages
from bot.desk.accounts import Staff
from bot.desk.control import DeskError, act, holding
from bot.desk.desk import Desk
from bot.desk.queue import Handoff
from bot.desk.tickets import Ticket
from bot.dialogue.context import Context
from bot.dialogue.messages import bundle_custom, materials_custom
from bot.dialogue.stage import Mode, Stage
from bot.dialogue.steps import consent
from bot.dialogue.turn import Incoming
from bot.privacy import is_valid_mobile, mask_name, mask_phone, normalize_mobile

MAX_NAME = 32


async def start(desk: Desk, who: Staff, phone: str, name: str) -> str:
    """A new conversation on the phone channel, held by this agent from the first click."""
    phone = normalize_mobile(phone or "")
    if not is_valid_mobile(phone):
        raise DeskError("bad_phone", 400)
    name = (name or "").strip()[:MAX_NAME]
    if len(await desk.queue.held_by(who.staff_id)) >= who.capacity:
        raise DeskError("at_capacity", capacity=who.capacity)
    conversation_id = f"phone-{uuid.uuid4().hex[:16]}"
    now = desk.clock()
    async with desk.store.turn(conversation_id, "phone") as held:
        held.mode = Mode.AGENT
        held.state.channel = "phone"
        held.state.handoff = {"kind": "agent", "agent_no": who.staff_id, "reason": "guided"}
        await desk.db.run(lambda conn: conn.execute(desk_handoffs.insert().values(
            conversation_id=conversation_id, kind="guided", channel="phone", reason="guided", state="taken",
            requested_at=now, taken_at=now, first_taken_at=now, agent_id=who.staff_id, caller_phone=phone,
            caller_name=name or None)), writer=True)
    await desk.audit.record(who.staff_id, "start_guided", conversation_id, phone=mask_phone(phone),
                            name=mask_name(name) if name else None)
    return conversation_id


async def read_context(desk: Desk, conversation_id: str) -> Context:
    """A read-only view of the conversation as one turn of the dialogue would see it."""
    conversation = await desk.store.find(conversation_id)
    if conversation is None:
        raise DeskError("no_such_conversation", 404)
    return Context(desk.dialogue.services, conversation.state,
                   Incoming(sender_id=conversation_id, channel=conversation.channel))


async def send_notice(desk: Desk, who: Staff, conversation_id: str, phone: Optional[str] = None) -> Dict[str, Any]:
    """The 一次性告知单 by SMS: a snapshot of the notice behind a short link; only once the notice
    is complete (everything that decides it has been answered)."""
    row = await holding(desk, who, conversation_id)
    phone = normalize_mobile(phone or row.caller_phone or "")
    if not is_valid_mobile(phone):
        raise DeskError("bad_phone", 400)
    ctx = await read_context(desk, conversation_id)
    if not ctx.state.bundle_id:
        raise DeskError("no_bundle")
    outcome = await ctx.outcome()
    if not outcome.complete:
        raise DeskError("notice_incomplete")
    payload = {"notice": materials_custom(ctx.cat, outcome), "bundle": bundle_custom(ctx.cat, outcome)}
    if consent.submitted(ctx):  # sent after filing: the sheet carries the 受理编号
        app = ctx.state.application or {}
        payload["application"] = {k: app.get(k) for k in ("receipt_no", "status", "bundle_id")}
    token = secrets.token_urlsafe(9)
    await desk.db.run(lambda conn: conn.execute(notice_links.insert().values(
        token=token, at=desk.clock(), conversation_id=conversation_id, bundle_id=outcome.bundle_id,
        payload=json.dumps(payload, ensure_ascii=False))), writer=True)
    link = f"{desk.settings.portal_url}/n/{token}"
    sms = desk.rules.sms
    text = sms.notice.format(sign=sms.sign, bundle_name=outcome.bundle_name, link=link, hotline=desk.rules.hotline)
    sent = await _send_sms(desk, who, conversation_id, "notice", phone, text)
    await desk.audit.record(who.staff_id, "sms_notice", conversation_id, phone=mask_phone(phone), ok=sent["status"])
    return {**sent, "link": link}


async def notice_payload(desk: Desk, token: str) -> Optional[str]:
    if not token.replace("-", "").replace("_", "").isalnum() or len(token) > 32:
        return None
    query = select(notice_links.c.payload).where(notice_links.c.token == token)
    return await desk.db.run(lambda conn: conn.execute(query).scalar())


async def submit(desk: Desk, who: Staff, conversation_id: str, consent_method: str) -> Dict[str, Any]:
    """Submit for the person (stage consent): marked 代办 with the agent and how consent was given;
    a caller on the phone gets the receipt by SMS."""
    row = await holding(desk, who, conversation_id)
    if desk.rules.consent_label(consent_method) is None:
        raise DeskError("bad_consent_method", 400)
    ctx = await read_context(desk, conversation_id)
    if ctx.state.stage is not Stage.CONSENT:
        raise DeskError("not_ready_to_submit")
    consent_yes = next((b["payload"] for b in (await desk.store.find(conversation_id)).offered
                        if b.get("payload") == "/affirm"), "/affirm")
    await act(desk, who, conversation_id, payload=consent_yes,
              shown_as=desk.rules.consent_label(consent_method),
              proxy={"agent_id": who.staff_id, "consent_method": consent_method})
    after = await read_context(desk, conversation_id)
    application = after.state.application or {}
    result: Dict[str, Any] = {"application": application, "sms": None}
    if application.get("receipt_no") and row.caller_phone:
        sms = desk.rules.sms
        template = sms.receipt if application.get("status") == "submitted" else sms.receipt_queued
        bundle = desk.engine.catalogue.bundles[after.state.bundle_id].name if after.state.bundle_id else ""
        text = template.format(sign=sms.sign, bundle_name=bundle, agent_no=who.staff_id,
                               receipt_no=application["receipt_no"], hotline=desk.rules.hotline)
        result["sms"] = await _send_sms(desk, who, conversation_id, "receipt", row.caller_phone, text)
    await desk.audit.record(who.staff_id, "submit_for_caller", conversation_id, consent=consent_method,
                            receipt_no=application.get("receipt_no"))
    return result


async def rate(desk: Desk, who: Staff, conversation_id: str, stars: int, comment: str = "") -> Optional[Ticket]:
    """The caller's 好差评 as they said it on the phone; a 差评 gets its 回访 ticket at once."""
    await holding(desk, who, conversation_id)
    if stars not in desk.rules.rating_levels:
        raise DeskError("bad_rating", 400)
    ctx = await read_context(desk, conversation_id)
    receipt = (ctx.state.application or {}).get("receipt_no")
    await desk.ratings.record(conversation_id, ctx.state.bundle_id, receipt, stars, comment.strip()[:500] or None)
    await desk.audit.record(who.staff_id, "rating", conversation_id, stars=stars)
    if stars <= desk.rules.bad_rating_max_stars:
        await desk.tickets.revisit_bad_ratings()
        found = await desk.tickets.listing(state="open", kind="revisit", conversation_id=conversation_id)
        return found[-1] if found else None
    return None


async def _send_sms(desk: Desk, who: Staff, conversation_id: str, kind: str, phone: str, text: str) -> Dict[str, Any]:
    result = await desk.sms.send(phone, text)
    values = dict(at=desk.clock(), conversation_id=conversation_id, staff_id=who.staff_id, kind=kind,
                  phone=mask_phone(phone), text=text, status="sent" if result.ok else "failed",
                  provider_id=result.message_id, error=result.error)
    await desk.db.run(lambda conn: conn.execute(sms_messages.insert().values(**values)), writer=True)
    return {"status": values["status"], "error": result.error, "text": text, "phone": values["phone"]}


async def sms_sent(desk: Desk, conversation_id: str) -> List[Dict[str, Any]]:
    c = sms_messages.c
    query = select(sms_messages).where(c.conversation_id == conversation_id).order_by(c.id)
    return await desk.db.run(lambda conn: [
        {"at": r.at, "kind": r.kind, "phone": r.phone, "text": r.text, "status": r.status, "error": r.error}
        for r in conn.execute(query)])


def caller_view(row: Optional[Handoff]) -> Optional[Dict[str, Any]]:
    if row is None or row.kind != "guided":
        return None
    return {"phone": mask_phone(row.caller_phone) if row.caller_phone else None,
            "name": mask_name(row.caller_name) if row.caller_name else None}
