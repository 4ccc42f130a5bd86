"""Buttons from an earlier turn (any stage): they never change anything silently. An old answer
to an earlier question is offered as a change, with what it would become; an old bundle offered
as a switch; anything else is declined, and the conversation goes on where it was."""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.messages import button
from bot.dialogue.stage import Stage
from bot.dialogue.steps import anywhere, questionnaire, rating, routing
from bot.engine.outcome import display_answer

UNDER_WAY = (Stage.ASKING, Stage.FILLING, Stage.REVIEWING, Stage.CONSENT)


async def pressed(ctx: Context) -> None:
    intent, state = ctx.msg.intent, ctx.state
    if intent == "answer":
        qid = ctx.msg.entity("question_id")
        if state.stage is Stage.ASKING and qid == state.pending_question:
            await questionnaire.answer(ctx)  # the same question is still the one asked
            return
        if qid in state.answers and state.bundle_id and await _offer_change(ctx, str(qid)):
            return
    elif intent == "choose_bundle":
        bundle_id = ctx.msg.entity("bundle_id")
        if state.stage in UNDER_WAY and bundle_id and bundle_id != state.bundle_id:
            routing.offer_switch_to(ctx, str(bundle_id))
            return
        if state.stage not in UNDER_WAY:
            await routing.choose(ctx)
            return
    elif intent == "rate" and state.stage in (Stage.RATING, Stage.COMMENT):
        await rating.rate(ctx)
        return
    ctx.say("stale_button")
    await anywhere.resume(ctx)


async def _offer_change(ctx: Context, qid: str) -> bool:
    question = ctx.engine.question(ctx.state.bundle_id, qid)
    values = [e.get("value") for e in ctx.msg.entities if e.get("entity") == "value"]
    value = values if question.kind == "multi" else (values[0] if values else None)
    current = ctx.answers().get(qid)
    if value is None or value == current:
        return False  # nothing it would change
    shown = display_answer(ctx.cat, question, value)
    ctx.say(
        "stale_answer",
        params={"question": question.text, "value": shown, "current": display_answer(ctx.cat, question, current)},
        buttons=[
            button(ctx.label("change_to").format(value=shown), "change_answer", question_id=qid, value=value),
            button(ctx.label("keep_answer"), "resume"),
        ],
    )
    return True
