"""Steps that mean the same in every stage: why, the materials so far, start over, small talk,
status questions, and resuming whatever was pending (a human: steps/handoff.py)."""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.messages import button
from bot.dialogue.stage import Stage
from bot.dialogue.steps import consent, form, questionnaire, rating, routing

SMALLTALK_KEYS = {"greet": "greet", "thank": "thank", "goodbye": "goodbye", "out_of_scope": "out_of_scope"}


async def resume(ctx: Context) -> None:
    """After small talk or a detour: repeat what we were waiting for."""
    stage = ctx.state.stage
    if ctx.identity_changed and stage in (Stage.FILLING, Stage.REVIEWING, Stage.CONSENT):
        await form.present(ctx)  # signed in (or out) mid-form: the notice and form as they now are
    elif stage is Stage.ASKING and ctx.state.pending_question:
        await questionnaire.repeat(ctx)
    elif stage in (Stage.FILLING, Stage.REVIEWING):
        await form.repeat(ctx)
    elif stage is Stage.CONSENT:
        await consent.ask(ctx)
    elif stage is Stage.RATING:
        await rating.repeat(ctx)
    elif stage in (Stage.CHOOSING, Stage.CONFIRMING):
        routing.repeat(ctx)


async def why(ctx: Context) -> None:
    question = ctx.pending_question()
    if question is not None:
        ctx.say("why", params={"why": question.why})
        await questionnaire.ask_next(ctx)
        return
    if ctx.state.stage is Stage.FILLING and ctx.state.pending_field in ctx.cat.fields:
        definition = ctx.cat.fields[ctx.state.pending_field]
        ctx.say("why_field", params={"label": definition.label})
        form.ask_field(ctx, ctx.state.pending_field)
        return
    ctx.say("why_general")
    await resume(ctx)


async def materials(ctx: Context) -> None:
    if not ctx.state.bundle_id:
        ctx.say("no_active_bundle")
        routing.offer_browse(ctx, None)
        return
    outcome = await ctx.outcome()
    form.say_materials(ctx, outcome)
    if not outcome.complete:
        ctx.say("materials_may_grow")
    await resume(ctx)


async def restart(ctx: Context) -> None:
    """Start over; with a questionnaire or form under way, only once the person confirms."""
    state = ctx.state
    under_way = state.bundle_id and state.stage in (Stage.ASKING, Stage.FILLING, Stage.REVIEWING, Stage.CONSENT)
    if under_way and not ctx.msg.entity("confirmed"):
        ctx.say("restart_confirm", params={"bundle_name": ctx.cat.bundle(state.bundle_id).name}, buttons=[
            button(ctx.label("restart_yes"), "start_over", confirmed=True),
            button(ctx.label("restart_no"), "resume"),
        ])
        return
    state.reset()
    ctx.say("start_over")


async def smalltalk(ctx: Context) -> None:
    """Greetings, thanks, chit-chat, out-of-scope: answered, then back to the pending step."""
    key = SMALLTALK_KEYS.get(ctx.msg.intent or "", "chitchat")
    if key == "greet" and ctx.state.stage is Stage.IDLE:
        ctx.say("greet", buttons=[button(ctx.label("browse"), "ask_browse"), button(ctx.label("human"), "ask_human")])
        return
    ctx.say(key)
    if key != "goodbye":
        await resume(ctx)


async def empty(ctx: Context) -> None:
    ctx.say("empty_message")
    await resume(ctx)


async def status(ctx: Context) -> None:
    """"我的申请到哪一步了": the receipt named, or the one this conversation got."""
    reference = ctx.msg.entity("receipt_no") or (ctx.state.application or {}).get("receipt_no")
    if not reference:
        ctx.say("ask_receipt_no")
        return
    if ctx.services.handoff is None:
        ctx.say("status_unavailable")
        return
    report = await ctx.services.handoff.status(str(reference).strip().upper())
    state = getattr(report, "status", "unavailable")
    if state == "not_found":
        ctx.say("status_not_found", params={"reference": reference})
    elif state == "unavailable":
        ctx.say("status_unavailable")
    else:
        ctx.say("status", params={
            "reference": getattr(report, "receipt_no", None) or reference,
            "status": ctx.cat.label("application_status", state),
        })
    # Then what we were waiting for, like after any detour: a screen retires the controls of
    # earlier turns, so the rating's stars (or the question's options) must be offered again.
    await resume(ctx)


def routed_if_need(otherwise):
    """Outside the questionnaire (after the receipt), typed text that routes clearly is a new
    need, not a comment; else `otherwise`."""

    async def step(ctx: Context) -> None:
        if routing.clear_need(ctx, ctx.text):
            routing.route(ctx, ctx.text)
        else:
            await otherwise(ctx)

    step.__name__ = f"routed_if_need_else_{otherwise.__name__}"
    return step


def routed_if_confident(otherwise):
    """In the routing stages, a typed question that only makes sense within a bundle ("开饭馆
    要带啥", "办残疾证为什么要体检") is a need the NLU misread: route it; else `otherwise`."""

    async def step(ctx: Context) -> None:
        if routing.confident_need(ctx):
            routing.route(ctx, ctx.text)
        else:
            await otherwise(ctx)

    step.__name__ = f"routed_if_confident_else_{otherwise.__name__}"
    return step
