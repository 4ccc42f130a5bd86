"""The questionnaire (stage asking): ask the engine's next question, read answers, go back, change."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, List, Optional

from bot.catalogue.values import UNKNOWN, InvalidAnswer
from bot.dialogue.context import Context
from bot.dialogue.messages import button, question_buttons, question_custom
from bot.dialogue.stage import Stage
from bot.dialogue.steps import anywhere, consent, form, routing
from bot.engine.interpret import NotUnderstood

Step = Callable[[Context], Awaitable[None]]


async def start(ctx: Context, bundle_id: str) -> None:
    """A fresh questionnaire; facts the person already stated in their need are recorded and
    echoed back, not asked again."""
    state = ctx.state
    need_text = state.need_text
    state.start_bundle(bundle_id)
    bundle = ctx.cat.bundle(bundle_id)
    ctx.say("bundle_intro", params={"bundle_name": bundle.name, "description": bundle.description})
    if need_text:
        stated = ctx.engine.extract_answers(bundle_id, need_text)
        facts = await ctx.facts()
        for qid, value in stated.items():
            try:
                ctx.store_answers(ctx.engine.set_answer(bundle_id, ctx.answers(), qid, value, facts))
            except InvalidAnswer:
                continue
            state.history.append(qid)
        state.history = [q for q in state.history if q in state.answers]
        if state.history:
            ctx.say("understood_from_text", params={"answers": answers_text(ctx, state.history)})
    await ask_next(ctx)


async def ask_next(ctx: Context) -> None:
    state = ctx.state
    step = ctx.engine.next_question(state.bundle_id, ctx.answers(), await ctx.facts())
    if step.done:
        state.pending_question = None
        await form.present(ctx)
        return
    question = step.question
    state.pending_question, state.stage = question.id, Stage.ASKING
    ctx.say(
        None,
        text=question.text,
        buttons=question_buttons(ctx.cat, question),
        custom=question_custom(ctx.cat, state.bundle_id, question, step.progress),
    )


async def repeat(ctx: Context) -> None:
    """Back to the pending question after a detour."""
    ctx.say("resume")
    await ask_next(ctx)


async def answer(ctx: Context) -> None:
    """A button's answer, or free text read as a clerk would (several answers in one reply, "不知
    道" included), echoed back when it was read from the person's own words; a correction of an
    earlier answer changes just that one. What cannot be read is said, with the options again;
    a second miss on the same question also offers 不清楚 and a human, never a third re-ask."""
    if await _answer_from_payload(ctx):
        return
    question = ctx.pending_question()
    if question is None:  # the question no longer exists (the catalogue changed): ask anew
        await ask_next(ctx)
        return
    if ctx.is_payload:  # a stale or foreign button payload is not an answer to this question
        await _missed(ctx, question, None)
        return
    if _sounds_like_correction(ctx) and await _corrected(ctx):
        return
    reading = ctx.engine.read_reply(ctx.state.bundle_id, question.id, ctx.text, ctx.answers(), await ctx.facts(),
                                    ctx.today)
    if reading.understood:
        await _apply_reading(ctx, reading)
        return
    if await _corrected(ctx):  # "我妈是外地的" answers an earlier question, not this one
        return
    if ctx.msg.intent == "describe_need" and routing.offer_switch(ctx):
        return
    await _missed(ctx, question, reading.miss)


def _sounds_like_correction(ctx: Context) -> bool:
    openers = ctx.cat.label("correction", "openers").split("|")
    return any(ctx.text.strip().startswith(w) for w in openers if w)


async def _corrected(ctx: Context) -> bool:
    """A correction of an answer given earlier: that answer changes, the rest stay."""
    state = ctx.state
    if not state.history:
        return False
    reading = ctx.engine.correct(state.bundle_id, ctx.answers(), ctx.text, await ctx.facts(), ctx.today,
                                 recent=state.history)
    changes = {qid: u for qid, u in reading.answers.items() if qid in state.answers and qid != state.pending_question}
    if not changes:
        return False
    facts = await ctx.facts()
    answers = ctx.answers()
    try:
        for qid, understood in changes.items():
            answers = ctx.engine.set_answer(state.bundle_id,
                                            ctx.engine.remove_answer(state.bundle_id, answers, qid, facts),
                                            qid, understood.value, facts)
    except InvalidAnswer:
        return False
    ctx.store_answers(answers)
    state.history = [q for q in state.history if q in state.answers and q not in changes] + list(changes)
    echoed = ctx.engine.echo(state.bundle_id, {q: u.value for q, u in changes.items()})
    ctx.say("answer_changed", params={"answer": echoed})
    await ask_next(ctx)
    return True


async def _apply_reading(ctx: Context, reading) -> None:
    """Record every answer the reply gave (the pending question's first), echo what was read
    from the person's own words, and go on."""
    state = ctx.state
    facts = await ctx.facts()
    answers = ctx.answers()
    applied = {}
    for qid, understood in reading.answers.items():
        try:
            answers = ctx.engine.set_answer(state.bundle_id, answers, qid, understood.value, facts)
        except InvalidAnswer:
            continue
        applied[qid] = understood
    if not applied:
        await _missed(ctx, ctx.pending_question(), None)
        return
    ctx.store_answers(answers)
    state.history = [q for q in state.history if q not in applied and q in state.answers] + list(applied)
    state.misses.pop(state.pending_question or "", None)
    if any(u.inferred for u in applied.values()):
        key = "recorded_unknown" if all(u.unknown for u in applied.values()) else "understood_answer"
        ctx.say(key, params={"answers": ctx.engine.echo(state.bundle_id, {q: u.value for q, u in applied.items()})})
    state.stage = Stage.ASKING
    await ask_next(ctx)


async def _missed(ctx: Context, question, miss: Optional[NotUnderstood]) -> None:
    """Not understood: say what was not, and offer the options; a second miss on the same
    question adds 不清楚 and a human, so that nobody is asked the same thing a third time."""
    state = ctx.state
    misses = state.misses.get(question.id, 0) + 1
    state.misses[question.id] = misses
    reason = miss.reason if miss else ""
    if reason == "ambiguous" and question.kind == "single" and miss.options:
        ctx.say("answer_ambiguous", buttons=[button(label, "answer", question_id=question.id, value=value)
                                             for value, label in miss.options])
        return
    if misses >= 2:
        ctx.say("answer_second_miss", params={"question": question.text},
                buttons=question_buttons(ctx.cat, question) + [
                    button(ctx.label("unsure"), "answer", question_id=question.id, value=UNKNOWN),
                    button(ctx.label("human"), "ask_human"),
                ])
        return
    key = {"out_of_range": "answer_out_of_range"}.get(reason, "answer_not_understood")
    if key == "answer_not_understood" and question.kind in ("date", "number"):
        key = f"answer_not_understood_{question.kind}"
    hint = miss.hint if miss and miss.hint else ""
    if hint and key == "answer_not_understood":
        key = "answer_not_understood_hint"
    ctx.say(key, params={"why": question.why, "detail": (miss.detail if miss else "") or "", "hint": hint})
    await ask_next(ctx)


def answer_or(otherwise: Step) -> Step:
    """Typed text that reads as an answer to the pending question is that answer ("没有" is
    not a goodbye, "在市一院生的" not a new need); anything else is `otherwise`."""

    async def step(ctx: Context) -> None:
        if ctx.is_payload or not await try_answer(ctx):
            await otherwise(ctx)

    step.__name__ = f"answer_or_{otherwise.__name__}"
    return step


def corrected_or(otherwise: Step) -> Step:
    """Typed text that corrects an earlier answer ("改一下，我妈是外地的") changes just that
    answer; anything else is `otherwise`."""

    async def step(ctx: Context) -> None:
        if ctx.is_payload or not await _corrected(ctx):
            await otherwise(ctx)

    step.__name__ = f"corrected_or_{otherwise.__name__}"
    return step


async def try_answer(ctx: Context) -> bool:
    """Record typed text as the pending question's answer when the engine understands it."""
    question = ctx.pending_question()
    if question is None or ctx.is_payload:
        return False
    reading = ctx.engine.read_reply(ctx.state.bundle_id, question.id, ctx.text, ctx.answers(), await ctx.facts(),
                                    ctx.today)
    if not reading.understood:
        return False
    await _apply_reading(ctx, reading)
    return True


async def _answer_from_payload(ctx: Context) -> bool:
    qid, value = ctx.msg.entity("question_id"), ctx.msg.entity("value")
    if qid is None or not ctx.state.bundle_id or qid != ctx.state.pending_question:
        return False  # only the question asked is answered by a button (bot/dialogue/steps/stale.py)
    by_id = ctx.engine.compiled(ctx.state.bundle_id).by_id
    if qid not in by_id:
        return False
    if by_id[qid].question.kind == "multi":
        # Rasa turns a list in a payload into one entity per element (none for []).
        value = [e.get("value") for e in ctx.msg.entities if e.get("entity") == "value"]
    elif value is None:
        return False
    await _apply(ctx, str(qid), value)
    return True


async def _apply(ctx: Context, qid: str, value: Any) -> None:
    state = ctx.state
    try:
        answers = ctx.engine.set_answer(state.bundle_id, ctx.answers(), qid, value, await ctx.facts())
    except InvalidAnswer:
        question = ctx.engine.compiled(state.bundle_id).by_id[qid].question
        ctx.say("answer_not_understood", params={"why": question.why, "detail": ""})
        await ask_next(ctx)
        return
    ctx.store_answers(answers)
    state.history = [q for q in state.history if q != qid and q in state.answers] + [qid]
    state.stage = Stage.ASKING
    await ask_next(ctx)


async def back(ctx: Context) -> None:
    state = ctx.state
    if consent.submitted(ctx):
        consent.already_submitted(ctx)
        return
    if not state.bundle_id or not state.history:
        ctx.say("nothing_to_go_back")
        await anywhere.resume(ctx)
        return
    last = state.history.pop()
    ctx.store_answers(ctx.engine.remove_answer(state.bundle_id, ctx.answers(), last, await ctx.facts()))
    state.history = [q for q in state.history if q in state.answers]
    state.stage, state.pending_field = Stage.ASKING, None
    await ask_next(ctx)


async def change(ctx: Context) -> None:
    """List the answers as buttons, re-ask the one the button names, or — a confirmed change
    with its value — record the new value and go on."""
    state = ctx.state
    if not state.bundle_id:
        ctx.say("no_active_bundle")
        return
    if consent.submitted(ctx):
        consent.already_submitted(ctx)
        return
    qid = ctx.msg.entity("question_id")
    facts = await ctx.facts()
    values = [e.get("value") for e in ctx.msg.entities if e.get("entity") == "value"]
    if qid and values and qid in ctx.engine.compiled(state.bundle_id).by_id:
        question = ctx.engine.question(state.bundle_id, qid)
        value = values if question.kind == "multi" else values[0]
        try:
            cleared = ctx.engine.remove_answer(state.bundle_id, ctx.answers(), qid, facts)
            ctx.store_answers(ctx.engine.set_answer(state.bundle_id, cleared, qid, value, facts))
        except InvalidAnswer:
            await ask_next(ctx)
            return
        state.history = [q for q in state.history if q in state.answers and q != qid] + [qid]
        state.stage, state.pending_field = Stage.ASKING, None
        ctx.say("answer_changed", params={"answer": answers_text(ctx, [qid])})
        await ask_next(ctx)
        return
    if qid and qid in ctx.engine.compiled(state.bundle_id).by_id:
        ctx.store_answers(ctx.engine.remove_answer(state.bundle_id, ctx.answers(), qid, facts))
        state.history = [q for q in state.history if q in state.answers]
        state.stage, state.pending_field = Stage.ASKING, None
        await ask_next(ctx)
        return
    views = [v for v in ctx.engine.answers_view(state.bundle_id, ctx.answers(), facts) if v.source == "answer"]
    if not views:
        ctx.say("no_answers_yet")
        await anywhere.resume(ctx)
        return
    fmt = ctx.format("answer_button")
    ctx.say("answers_list", buttons=[
        button(fmt.format(question=v.question, value=v.display), "change_answer", question_id=v.question_id)
        for v in views
    ])


def answers_text(ctx: Context, qids: List[str]) -> str:
    views = {v.question_id: v for v in ctx.engine.answers_view(ctx.state.bundle_id, ctx.answers())}
    fmt = ctx.format("answer_summary")
    return "；".join(fmt.format(question=views[q].question, value=views[q].display) for q in qids if q in views)
