"""Consent and submission (stage consent): the application handed to the application API."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Dict

from bot.db import DatabaseUnavailable
from bot.dialogue.application import build_draft, field_for_error, form_values
from bot.dialogue.context import Context
from bot.dialogue.messages import application_custom, button
from bot.dialogue.services import profile_of
from bot.dialogue.stage import Stage
from bot.dialogue.steps import form, rating

logger = logging.getLogger(__name__)


AFTER_SUBMISSION = (Stage.RATING, Stage.COMMENT, Stage.IDLE)


async def ask(ctx: Context) -> None:
    """The consent question; first a warning when the same person filed the same bundle today."""
    state = ctx.state
    state.stage = Stage.CONSENT
    state.submission_key = state.submission_key or uuid.uuid4().hex
    earlier = await _earlier(ctx)
    if earlier is not None:
        ctx.say("duplicate_application", params={"bundle_name": ctx.cat.bundle(state.bundle_id).name,
                                                  "receipt_no": earlier.receipt_no},
                buttons=[button(ctx.label("submit_anyway"), "affirm"), button(ctx.label("do_not_submit"), "deny")])
        return
    ctx.say("consent", buttons=[button(ctx.label("consent_yes"), "affirm"), button(ctx.label("consent_no"), "deny")])


async def _earlier(ctx: Context):
    handoff = ctx.services.handoff
    if handoff is None or not hasattr(handoff, "earlier"):
        return None
    values = form_values(await form.form_lines(ctx), ctx.state.form)
    return await handoff.earlier(ctx.state.bundle_id, values.get("applicant_id_number"))


def submitted(ctx: Context) -> bool:
    """This conversation's bundle was submitted and no new application of it has begun."""
    app = ctx.state.application or {}
    return bool(app.get("receipt_no")) and app.get("bundle_id") == ctx.state.bundle_id \
        and ctx.state.stage in AFTER_SUBMISSION


def already_submitted(ctx: Context) -> None:
    """Going back or changing an answer after submission: that application is final; a new
    one is offered explicitly."""
    ctx.say("already_submitted", params={"receipt_no": ctx.state.application["receipt_no"]}, buttons=[
        button(ctx.label("apply_again"), "choose_bundle", bundle_id=ctx.state.bundle_id),
        button(ctx.label("not_again"), "resume"),
    ])


async def reply(ctx: Context) -> None:
    yes = ctx.yes_no()
    if yes is True:
        await submit(ctx)
    elif yes is False:
        ctx.say("not_submitted", buttons=[button(ctx.label("submit_now"), "affirm")])
    else:
        await ask(ctx)


async def submit(ctx: Context) -> None:
    state = ctx.state
    if ctx.services.handoff is None:
        ctx.say("submit_unavailable")
        return
    outcome = await ctx.outcome()
    lines = await form.form_lines(ctx)
    identity = await ctx.services.who(state.identity_token)
    licences = profile_of(identity)[1] if identity else {}
    draft = build_draft(ctx.cat, outcome, lines, state.form, identity, ctx.cat.bundle(state.bundle_id).audience,
                        state.channel, ctx.msg.sender_id or "unknown", licences, proxy=ctx.msg.proxy)
    state.submission_key = state.submission_key or uuid.uuid4().hex
    draft = draft.copy(update={"idempotency_key": state.submission_key})
    try:
        receipt = await ctx.services.handoff.submit(draft)
    except DatabaseUnavailable:
        ctx.say("submit_unavailable")  # not even the outbox could keep it: the form stays here
        return
    data = receipt.dict() if hasattr(receipt, "dict") else dict(receipt)
    if data.get("status") == "rejected":
        _rejected(ctx, data)
        return
    state.submission_key = None
    state.application = {k: data.get(k) for k in ("application_id", "receipt_no", "status", "bundle_id")}
    state.application["next_steps"] = [
        s.get("text") if isinstance(s, dict) else getattr(s, "text", str(s)) for s in data.get("next_steps") or []
    ]
    ctx.say(
        "submitted" if data.get("status") == "submitted" else "queued",
        custom=application_custom({**state.application}),
        params={"receipt_no": data.get("receipt_no"), "next_steps": "\n".join(state.application["next_steps"])},
    )
    rating.ask(ctx)


def _rejected(ctx: Context, data: Dict[str, Any]) -> None:
    """The API refused some values: say which, and ask for the first again."""
    names = []
    for error in data.get("errors") or []:
        path = (error.get("field") if isinstance(error, dict) else getattr(error, "field", "")) or ""
        field_id = field_for_error(path)
        if field_id in ctx.cat.fields:
            names.append(field_id)
    labels = "、".join(ctx.cat.fields[f].label for f in names) or ctx.label("some_fields")
    ctx.say("rejected", params={"fields": labels})
    if names:
        ctx.state.form.pop(names[0], None)
        form.ask_field(ctx, names[0], correcting=True)
    else:
        form.offer_corrections(ctx)
