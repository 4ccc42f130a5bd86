"""Signed card links (bot/wechat/cards.py): they name one conversation, expire, and resist forgery."""

from __future__ import annotations

import time

from bot.wechat.cards import LINK_TTL_S, card_token, conversation_of

KEY = b"k" * 32


def test_a_link_names_its_conversation() -> None:
    assert conversation_of(KEY, card_token(KEY, "wx-abc")) == "wx-abc"


def test_a_link_pointed_at_another_conversation_or_signed_with_another_key_is_refused() -> None:
    token = card_token(KEY, "wx-abc")
    moved = token.replace("wx-abc", "wx-abd", 1)
    assert (conversation_of(KEY, moved), conversation_of(b"x" * 32, token)) == (None, None)


def test_an_expired_or_mangled_link_is_refused() -> None:
    old = card_token(KEY, "wx-abc", now=time.time() - LINK_TTL_S - 10)
    assert (conversation_of(KEY, old), conversation_of(KEY, "wx-abc"), conversation_of(KEY, "a.b.c")) == (
        None, None, None)
