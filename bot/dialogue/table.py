"""The dialogue's one table: for each intent the NLU (or a button) gives, which step answers it in
each stage. This is the only place where what a message means depends on the stage.

Read a row as: "when the person says <intent> while the conversation is in <stage>, run <step>".
`ANY` is the step for the stages a row does not name. The wrappers below the imports say how a
typed message is read in context:
- answer_or(step): while a question is pending, typed text the engine understands as its
  answer is that answer ("没有" is not a goodbye); anything else goes to `step`;
- typed(step, otherwise): typed text is `step` (a form value, a comment); a pressed button is
  `otherwise`;
- bundle_named_or(step): a button naming a bundle starts it; anything else is `step`;
- routed_if_confident(step): with no questionnaire under way, a typed question that only makes
  sense inside a bundle is a need the NLU misread, and is routed;
- routed_if_need(step): after the receipt, typed text that routes clearly is a new need;
- switch_or(step): a clear need for another bundle offers the switch; anything else is `step`;
- corrected_or(step): typed text that corrects an earlier answer changes just that answer."""

from __future__ import annotations

from typing import Awaitable, Callable, Dict, Union

from bot.dialogue.context import Context
from bot.dialogue.stage import Stage
from bot.dialogue.steps import anywhere, consent, form, handoff, questionnaire, rating, routing

Step = Callable[[Context], Awaitable[None]]
ANY = "any"

IDLE, CHOOSING, CONFIRMING = Stage.IDLE, Stage.CHOOSING, Stage.CONFIRMING
ASKING, FILLING, REVIEWING = Stage.ASKING, Stage.FILLING, Stage.REVIEWING
CONSENT, RATING, COMMENT = Stage.CONSENT, Stage.RATING, Stage.COMMENT


def typed(step: Step, otherwise: Step) -> Step:
    async def run(ctx: Context) -> None:
        await (otherwise if ctx.is_payload else step)(ctx)

    run.__name__ = f"typed_{step.__name__}_else_{otherwise.__name__}"
    return run


def bundle_named_or(step: Step) -> Step:
    async def run(ctx: Context) -> None:
        await (routing.choose if ctx.msg.entity("bundle_id") else step)(ctx)

    run.__name__ = f"bundle_named_or_{step.__name__}"
    return run


def switch_or(step: Step) -> Step:
    async def run(ctx: Context) -> None:
        if ctx.is_payload or not routing.offer_switch(ctx):
            await step(ctx)

    run.__name__ = f"switch_or_{step.__name__}"
    return run


answer_or = questionnaire.answer_or
routed_if_confident = anywhere.routed_if_confident
routed_if_need = anywhere.routed_if_need

# Replies in context: an answer, yes or no, a value, a rating, a comment.
_REPLY: Dict[Union[Stage, str], Step] = {
    IDLE: routing.reply_idle,
    CHOOSING: routing.reply_choosing,
    CONFIRMING: routing.reply_confirming,
    ASKING: questionnaire.answer,
    FILLING: form.take_value,
    REVIEWING: form.reply_reviewing,
    CONSENT: consent.reply,
    RATING: rating.rate,
    COMMENT: rating.comment,
}

# Greetings, thanks, chit-chat and out-of-scope: answered, then back to the pending step.
_SMALLTALK: Dict[Union[Stage, str], Step] = {
    ANY: anywhere.smalltalk,
    ASKING: answer_or(anywhere.smalltalk),
    FILLING: typed(form.take_value, anywhere.smalltalk),
    COMMENT: typed(rating.comment, anywhere.smalltalk),
}

TABLE: Dict[str, Dict[Union[Stage, str], Step]] = {
    "greet": _SMALLTALK,
    "goodbye": _SMALLTALK,
    "thank": _SMALLTALK,
    "chitchat": _SMALLTALK,
    "out_of_scope": _SMALLTALK,
    "affirm": _REPLY,
    "deny": _REPLY,
    "answer": _REPLY,
    "nlu_fallback": _REPLY,
    "describe_need": {
        ANY: routing.need,
        ASKING: questionnaire.answer,  # understood as an answer, else the switch is offered
        FILLING: typed(form.take_value, routing.need),
        REVIEWING: switch_or(form.reply_reviewing),
        CONSENT: switch_or(consent.reply),
        COMMENT: routed_if_need(rating.comment),
    },
    "choose_bundle": {
        ANY: routing.choose,
        ASKING: bundle_named_or(questionnaire.answer),  # "第一个" answers the question
        FILLING: bundle_named_or(form.take_value),
        REVIEWING: bundle_named_or(form.reply_reviewing),
        CONSENT: bundle_named_or(consent.reply),
        RATING: bundle_named_or(rating.rate),
        COMMENT: bundle_named_or(rating.comment),
    },
    "ask_why": {
        ANY: anywhere.why,
        ASKING: answer_or(anywhere.why),  # "这个我不太清楚" read as a why-question is an answer
        IDLE: routed_if_confident(anywhere.why),
        CHOOSING: routed_if_confident(anywhere.why),
        CONFIRMING: routed_if_confident(anywhere.why),
    },
    "go_back": {
        ANY: questionnaire.back,
        IDLE: routed_if_confident(questionnaire.back),
        CHOOSING: routed_if_confident(questionnaire.back),
        CONFIRMING: routed_if_confident(questionnaire.back),
    },
    "change_answer": {
        ANY: questionnaire.change,
        ASKING: questionnaire.corrected_or(questionnaire.change),  # "改一下，我妈是外地的"
        IDLE: routed_if_confident(questionnaire.change),
        CHOOSING: routed_if_confident(questionnaire.change),
        CONFIRMING: routed_if_confident(questionnaire.change),
    },
    "ask_materials": {
        ANY: anywhere.materials,
        IDLE: routed_if_confident(anywhere.materials),
        CHOOSING: routed_if_confident(anywhere.materials),
        CONFIRMING: routed_if_confident(anywhere.materials),
    },
    "start_over": {ANY: anywhere.restart},
    "ask_human": {ANY: handoff.ask},  # desk (P11): a place in the queue, or a call back
    "resume": {ANY: anywhere.resume},
    "empty_message": {ANY: anywhere.empty},
    "ask_status": {
        ANY: anywhere.status,
        ASKING: answer_or(anywhere.status),
        FILLING: typed(form.take_value, anywhere.status),
    },
    "rate": {
        ANY: anywhere.smalltalk,
        ASKING: answer_or(anywhere.resume),
        FILLING: typed(form.take_value, anywhere.resume),
        RATING: rating.rate,
        COMMENT: rating.comment,
    },
    "ask_browse": {
        ANY: routing.browse,
        ASKING: answer_or(routing.browse),
        FILLING: typed(form.take_value, routing.browse),
        COMMENT: typed(rating.comment, routing.browse),
    },
    "correct_field": {
        ANY: form.no_form_yet,
        ASKING: questionnaire.answer,
        FILLING: form.correct_field,
        REVIEWING: form.correct_field,
        CONSENT: form.correct_field,
    },
}


def step_for(stage: Stage, intent: str) -> Step:
    """The step for a message; an intent the table does not know is read as a reply."""
    row = TABLE.get(intent) or _REPLY
    return row.get(stage) or row.get(ANY) or _REPLY[stage]
