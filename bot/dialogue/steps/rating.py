"""好差评 (stages rating, comment): a rating after the receipt, then an optional comment.

A rating is read only from a star button, a lone 1–5 ("5", "五星", "4分") or the five levels'
words (rules/vocabulary.yml `rating_levels`): "3天能办好吗" is a question, not three stars."""

from __future__ import annotations

import re
from typing import Optional

from bot.dialogue.context import Context
from bot.dialogue.messages import button
from bot.dialogue.stage import Stage
from bot.text.normalize import normalize
from bot.text.numbers import find_number

MIN_COMMENT_CHARS = 4  # "5星" typed with a rating is not a comment
POOR = 2  # a 差评: two stars or fewer asks what went wrong
_LONE_RATING = re.compile(r"^(给|打|评)?(?P<n>[1-5一二三四五两])\s*(颗|个)?(星|分)?(好评|吧|的)?[。.!！~]*$")
_STARS = re.compile(r"^★{1,5}$")


def rating_of(ctx: Context) -> Optional[int]:
    """The rating this message gives, or None when it is not a rating."""
    if ctx.is_payload:
        found = find_number(str(ctx.msg.entity("rating") or ""))
        return int(found.value) if found and 1 <= found.value <= 5 else None
    text = normalize(ctx.text).replace(" ", "")
    if _STARS.match(text):
        return len(text)
    lone = _LONE_RATING.match(text)
    if lone:
        found = find_number(lone.group("n"))
        return int(found.value) if found else None
    levels = ctx.cat.vocabulary.labels.get("rating_levels", {})
    matches = [(len(w), int(stars)) for stars, words in levels.items() for w in words.split("|") if w and w in text]
    return max(matches)[1] if matches else None


def ask(ctx: Context) -> None:
    ctx.state.stage = Stage.RATING
    ctx.say("ask_rating", buttons=[button("★" * n, "rate", rating=n) for n in range(5, 0, -1)])


async def repeat(ctx: Context) -> None:
    ask(ctx)


async def rate(ctx: Context) -> None:
    stars = rating_of(ctx)
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
    ctx.say("rating_sorry" if stars <= POOR else "rating_thanks", params={"stars": stars},
            buttons=[button(ctx.label("no_comment"), "deny")])


async def comment(ctx: Context) -> None:
    """The invited comment (or a "no, thanks"), kept masked with the rating's receipt."""
    state = ctx.state
    stars = rating_of(ctx) if ctx.is_payload else None
    if stars is not None:  # a star button pressed again: the rating changes
        await rate(ctx)
        return
    text = None if ctx.is_payload or ctx.msg.intent in ("affirm", "deny") else ctx.text
    if ctx.services.ratings and text:
        await ctx.services.ratings.record(ctx.msg.sender_id, state.bundle_id,
                                          (state.application or {}).get("receipt_no"), None, text)
    state.stage = Stage.IDLE
    ctx.say("comment_thanks")
