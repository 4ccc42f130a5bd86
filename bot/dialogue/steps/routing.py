"""Finding the bundle (stages idle, choosing, confirming): confirm a clear winner, offer a short
choice, or the catalogue."""

from __future__ import annotations

from typing import List, Optional, Tuple

from bot.dialogue.context import Context
from bot.dialogue.messages import bundle_choice_custom, button
from bot.dialogue.stage import Stage
from bot.dialogue.steps import questionnaire
from bot.engine.routing import Candidate
from bot.text.numbers import find_number

# Routing: one clear winner is confirmed; otherwise the plausible ones (at most three) are
# offered. Scores are the router's evidence shares; a 0.55 lead is right >99% of the time on
# held-out utterances (see bench/routing.py). A candidate under a fifth of the leader's share
# never held the right bundle there: listing it beside the leader only reads as noise
# ("新生儿" next to "军人退役"), and a leader left alone is confirmed instead.
CONFIDENT_SCORE = 0.70
CLEAR_MARGIN = 0.55
CHOICE_MIN_SCORE = 0.04
CHOICE_MIN_SHARE_OF_TOP = 0.2
# Mid-questionnaire, text the NLU read as a need offers a switch when the router gives another
# bundle this much; the offer always keeps "continue" first-class, so a false one costs a tap.
SWITCH_MIN_SCORE = 0.4
ROUTING_STAGES = (Stage.IDLE, Stage.CHOOSING, Stage.CONFIRMING)


def shortlist(candidates: List[Candidate]) -> Tuple[bool, List[Candidate]]:
    """What a person is shown for the router's candidates (best first, at least one):
    (True, [leader]) to confirm one bundle, or (False, the plausible ones) to choose from."""
    top = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    close = [c for c in candidates[:3] if c.score >= max(CHOICE_MIN_SCORE, CHOICE_MIN_SHARE_OF_TOP * top.score)]
    if (top.score >= CONFIDENT_SCORE and top.score - runner_up >= CLEAR_MARGIN) or len(close) <= 1:
        return True, [top]
    return False, close


async def need(ctx: Context) -> None:
    """The person describes what they need (or a button names the bundle)."""
    bundle_id = ctx.msg.entity("bundle_id")
    if bundle_id:
        await choose(ctx)
        return
    route(ctx, ctx.text)


def route(ctx: Context, text: str) -> None:
    text = (text or "").strip()
    if not text or text.startswith("/"):
        ctx.say("ask_need")
        return
    candidates = ctx.engine.route(text, 3)
    if not candidates:
        offer_browse(ctx, "no_route", human=True)
        return
    ctx.state.need_text = text
    confirm, close = shortlist(candidates)
    if confirm:
        top = close[0]
        ctx.state.stage, ctx.state.candidates = Stage.CONFIRMING, [top.bundle_id]
        bundle = ctx.cat.bundle(top.bundle_id)
        ctx.say(
            "confirm_bundle",
            params={"bundle_name": bundle.name, "description": bundle.description},
            buttons=[
                button(ctx.label("confirm_yes"), "choose_bundle", bundle_id=top.bundle_id),
                button(ctx.label("confirm_no"), "deny"),
            ],
            custom=bundle_choice_custom([top]),
        )
        return
    ctx.state.stage, ctx.state.candidates = Stage.CHOOSING, [c.bundle_id for c in close]
    _offer(ctx, close)


async def choose(ctx: Context) -> None:
    """A bundle picked by button, by its number or name in the list, or confirmed."""
    bundle_id = ctx.msg.entity("bundle_id") or pick_candidate(ctx)
    if not bundle_id or bundle_id not in ctx.cat.bundles:
        route(ctx, ctx.text)
        return
    if ctx.state.bundle_id == bundle_id and ctx.state.stage is Stage.ASKING:
        await questionnaire.ask_next(ctx)
        return
    await questionnaire.start(ctx, str(bundle_id))


async def reply_confirming(ctx: Context) -> None:
    yes = ctx.yes_no()
    if yes is True and ctx.state.candidates:
        await questionnaire.start(ctx, ctx.state.candidates[0])
    elif yes is False:
        ctx.state.stage, ctx.state.candidates = Stage.IDLE, []
        rest = ctx.after_yes_no()
        if rest and clear_need(ctx, rest):
            route(ctx, rest)  # "不对，我是想开个饭馆": the no, and the need it corrects to
        else:
            offer_browse(ctx, "route_rejected")
    else:
        route(ctx, ctx.text)


async def reply_choosing(ctx: Context) -> None:
    picked = pick_candidate(ctx)
    if picked:
        await questionnaire.start(ctx, picked)
        return
    yes = ctx.yes_no()
    if yes is True and len(ctx.state.candidates) == 1:
        await questionnaire.start(ctx, ctx.state.candidates[0])
    elif yes is False:
        ctx.state.stage, ctx.state.candidates = Stage.IDLE, []
        offer_browse(ctx, "route_rejected")
    else:
        route(ctx, ctx.text)


async def reply_idle(ctx: Context) -> None:
    if ctx.msg.intent in ("affirm", "deny"):
        ctx.say("ask_need")
    else:
        route(ctx, ctx.text)


def repeat(ctx: Context) -> None:
    """Offer the candidates again after a detour."""
    if ctx.state.candidates:
        _offer(ctx, [Candidate(b, ctx.cat.bundle(b).name, 0.0) for b in ctx.state.candidates if b in ctx.cat.bundles])


def _offer(ctx: Context, candidates: List[Candidate]) -> None:
    ctx.say(
        "bundle_choice",
        buttons=[button(c.name, "choose_bundle", bundle_id=c.bundle_id) for c in candidates]
        + [button(ctx.label("none_of_these"), "ask_browse")],
        custom=bundle_choice_custom(candidates),
    )


def pick_candidate(ctx: Context) -> Optional[str]:
    """"第二个", "2" or a bundle's name among the candidates just offered."""
    candidates, text = ctx.state.candidates, ctx.text
    if not candidates or not text:
        return None
    found = find_number(text)
    if found and 1 <= found.value <= len(candidates) and len(text) <= 6:
        return candidates[int(found.value) - 1]
    hits = [
        b
        for b in candidates
        if b in ctx.cat.bundles
        and any(name and name in text for name in (ctx.cat.bundle(b).name, ctx.cat.bundle(b).short_name))
    ]
    return hits[0] if len(hits) == 1 else None


def offer_browse(ctx: Context, response: Optional[str], human: bool = False) -> None:
    buttons = [
        button(c.name, "ask_browse", category_id=c.id)
        for c in ctx.cat.categories.values()
        if any(b.category == c.id for b in ctx.cat.summaries.values())
    ]
    if human:
        buttons.append(button(ctx.label("human"), "ask_human"))
    ctx.say(response or "browse", buttons=buttons)


def clear_need(ctx: Context, text: str) -> bool:
    """Typed text that routes to some bundle with a share worth offering."""
    if not text or text.startswith("/"):
        return False
    candidates = ctx.engine.route(text, 1)
    return bool(candidates) and candidates[0].score >= SWITCH_MIN_SCORE


def confident_need(ctx: Context) -> bool:
    """With no questionnaire under way, a typed question that needs one ("办残疾证为什么要体检",
    "开饭馆要带啥") is most likely a need the NLU misread."""
    if ctx.state.stage not in ROUTING_STAGES or ctx.is_payload:
        return False
    candidates = ctx.engine.route(ctx.text, 1)
    return bool(candidates) and not (ctx.state.bundle_id and candidates[0].score < CONFIDENT_SCORE)


def offer_switch(ctx: Context) -> bool:
    """A clear need for another bundle in the middle of a questionnaire: offer the switch
    (the current answers stay until the person picks the other bundle)."""
    candidates = ctx.engine.route(ctx.text, 3)
    if not candidates or candidates[0].bundle_id == ctx.state.bundle_id or candidates[0].score < SWITCH_MIN_SCORE:
        return False
    _switch(ctx, candidates[:2])
    return True


def offer_switch_to(ctx: Context, bundle_id: str) -> None:
    """An old bundle button pressed mid-questionnaire: the switch is offered, never made."""
    if bundle_id in ctx.cat.bundles:
        _switch(ctx, [Candidate(bundle_id, ctx.cat.bundle(bundle_id).name, 0.0)])


def _switch(ctx: Context, candidates: List[Candidate]) -> None:
    current = ctx.cat.bundle(ctx.state.bundle_id)
    ctx.say(
        "switch_bundle",
        params={"bundle_name": candidates[0].name, "current": current.name},
        buttons=[button(c.name, "choose_bundle", bundle_id=c.bundle_id) for c in candidates]
        + [button(ctx.label("continue_current").format(name=current.short_name or current.name), "resume")],
        custom=bundle_choice_custom(candidates),
    )


async def browse(ctx: Context) -> None:
    category_id = ctx.msg.entity("category_id")
    if category_id:
        bundles = [b for b in ctx.cat.summaries.values() if b.category == category_id]
        if bundles:
            candidates = [Candidate(b.id, b.name, 0.0) for b in bundles]
            ctx.state.stage, ctx.state.candidates = Stage.CHOOSING, [b.id for b in bundles]
            category = ctx.cat.categories[category_id]
            ctx.say(
                "browse_category",
                params={"category": category.name},
                buttons=[button(b.name, "choose_bundle", bundle_id=b.id) for b in bundles],
                custom=bundle_choice_custom(candidates),
            )
            return
    offer_browse(ctx, "browse")
