"""好差评 (stages rating, comment): a rating after the receipt, then an optional comment."""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.messages import button
from bot.dialogue.stage import Stage

MIN_COMMENT_CHARS = 4  # "5星" typed with a rating is not a comment


def ask(ctx: Context) -> None:
    ctx.state.stage = Stage.RATING
    ctx.say("ask_rating", buttons=[button("★" * n, "rate", rating=n) for n in range(5, 0, -1)])


async def repeat(ctx: Context) -> None:
    ask(ctx)


async def rate(ctx: Context) -> None:
    stars = ctx.stars()
    if stars is None:
        ask(ctx)
        return
    state = ctx.state
    typed = None if ctx.is_payload or ctx.msg.intent in ("affirm", "deny") else ctx.text
    if ctx.services.ratings:
        await ctx.services.ratings.record(
            ctx.msg.sender_id, state.bundle_id, (state.application or {}).get("receipt_no"), stars,
            typed if typed and len(typed) >= MIN_COMMENT_CHARS else None,
        )
    state.stage = Stage.COMMENT
    ctx.say("rating_thanks", params={"stars": stars}, buttons=[button(ctx.label("no_comment"), "deny")])


async def comment(ctx: Context) -> None:
    """The invited comment (or a "no, thanks"), kept masked with the rating's receipt."""
    state = ctx.state
    stars = ctx.stars() if ctx.is_payload else None
    if stars is not None:  # a star button pressed again: the rating changes
        await rate(ctx)
        return
    text = None if ctx.is_payload or ctx.msg.intent in ("affirm", "deny") else ctx.text
    if ctx.services.ratings and text:
        await ctx.services.ratings.record(ctx.msg.sender_id, state.bundle_id,
                                          (state.application or {}).get("receipt_no"), None, text)
    state.stage = Stage.IDLE
    ctx.say("comment_thanks")
