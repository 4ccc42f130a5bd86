"""转人工 (mode waiting, mode agent): a place in the desk's queue with the expected wait, or — out
of hours or with nobody online — the hotline and a call back (a phone number kept as a 工单).
While the person waits, or while an agent holds the conversation, what they type is not an answer
to the questionnaire: the agent reads it; the bot only says where the person stands."""

from __future__ import annotations

from typing import Any, Optional

from bot.dialogue.context import Context
from bot.dialogue.messages import button, handoff_custom
from bot.dialogue.stage import Mode
from bot.dialogue.steps import anywhere
from bot.privacy import is_valid_mobile, mask_phone, normalize_mobile

QUEUED, CALLBACK_OFFER, CALLBACK_PHONE = "queued", "callback_offer", "callback_phone"


def _leave(ctx: Context) -> dict:
    return button(ctx.label("leave_queue"), "resume")


def _callback(ctx: Context) -> dict:
    return button(ctx.label("callback"), "ask_human", value="callback")


async def ask(ctx: Context) -> None:
    """转人工: join the queue when someone can answer now; else say so and offer a call back."""
    reason = "asked_by_user" if ctx.msg.intent == "ask_human" else ctx.msg.intent or "asked_by_user"
    desk = ctx.services.desk
    if desk is None:  # no desk behind this dialogue (a bare test set-up): say so, change nothing
        ctx.say("handoff_unavailable", custom=handoff_custom(reason, state="unavailable"))
        return
    availability = await desk.availability()
    ctx.mode = Mode.WAITING
    if availability.open and availability.agents_online:
        place = await desk.enqueue(ctx.msg.sender_id, ctx.state.channel, reason)
        ctx.state.handoff = {"kind": QUEUED, "reason": reason}
        _say_place(ctx, "handoff_queued", place, reason)
        return
    ctx.state.handoff = {"kind": CALLBACK_OFFER, "reason": reason}
    ctx.say("handoff_closed" if not availability.open else "handoff_nobody",
            params={"hours": availability.hours_text, "hotline": availability.hotline},
            buttons=[_callback(ctx), _leave(ctx)], custom=handoff_custom(reason, state="callback"))


def _say_place(ctx: Context, key: str, place: Any, reason: str) -> None:
    ctx.say(key, params={"ahead": place.ahead, "minutes": place.wait_minutes},
            buttons=[_leave(ctx), _callback(ctx)],
            custom=handoff_custom(reason, state="waiting", ahead=place.ahead, wait_minutes=place.wait_minutes))


async def while_held(ctx: Context) -> None:
    """A message while the person waits for the desk or an agent holds the conversation."""
    if ctx.mode is Mode.AGENT:
        return  # the agent answers; the message is in the transcript they read
    waiting = ctx.state.handoff or {}
    kind = waiting.get("kind")
    reason = waiting.get("reason") or "asked_by_user"
    desk = ctx.services.desk
    if desk is None or (ctx.is_payload and ctx.msg.intent == "resume"):
        await _back_to_bot(ctx, "handoff_left")
        return
    if ctx.is_payload and ctx.msg.intent == "ask_human" and ctx.msg.entity("value") == "callback":
        if kind == QUEUED:
            await desk.leave(ctx.msg.sender_id)
        ctx.state.handoff = {"kind": CALLBACK_PHONE, "reason": reason}
        ctx.say("handoff_ask_phone", buttons=[_leave(ctx)])
        return
    if kind in (CALLBACK_OFFER, CALLBACK_PHONE):
        await _take_phone(ctx, kind, reason)
        return
    place = await desk.place(ctx.msg.sender_id)
    if place is None:  # taken a moment ago, or the desk closed the request: join again
        place = await desk.enqueue(ctx.msg.sender_id, ctx.state.channel, reason)
    _say_place(ctx, "handoff_still_waiting", place, reason)


def _phone_in(text: str) -> Optional[str]:
    """"13800001234", "138-0000-1234", "我的电话是13800001234"."""
    for candidate in (normalize_mobile(text), "".join(ch for ch in text if ch.isdigit())):
        if is_valid_mobile(candidate):
            return normalize_mobile(candidate)
    return None


async def _take_phone(ctx: Context, kind: str, reason: str) -> None:
    phone = None if ctx.is_payload else _phone_in(ctx.text)
    if phone is None:
        if kind == CALLBACK_PHONE:
            ctx.say("handoff_phone_invalid", buttons=[_leave(ctx)])
        else:
            ctx.say("handoff_callback_offer", buttons=[_callback(ctx), _leave(ctx)],
                    custom=handoff_custom(reason, state="callback"))
        return
    state = ctx.state
    bundle = ctx.cat.bundles[state.bundle_id].name if state.bundle_id in ctx.cat.bundles else ""
    subject = "；".join(part for part in (bundle, state.need_text or "") if part)
    ticket = await ctx.services.desk.request_callback(ctx.msg.sender_id, phone, subject or reason)
    due = ctx.services.desk.local(ticket.due_at)
    ctx.say("handoff_callback_booked", params={
        "ticket_no": ticket.ticket_no, "phone": mask_phone(phone),
        "due": ctx.format("due_time").format(month=due.month, day=due.day, time=due.strftime("%H:%M")),
    })
    await _back_to_bot(ctx, None)


async def _back_to_bot(ctx: Context, key: Optional[str]) -> None:
    if ctx.services.desk is not None and (ctx.state.handoff or {}).get("kind") == QUEUED:
        await ctx.services.desk.leave(ctx.msg.sender_id)
    ctx.mode, ctx.state.handoff = Mode.BOT, None
    if key:
        ctx.say(key)
    said = len(ctx.turn.says)
    await anywhere.resume(ctx)
    if len(ctx.turn.says) == said:
        ctx.say("ask_need")
