"""Signed links behind the WeChat card that opens the materials notice and the form in full
(served by the portal, bot/portal/wechat_cards.py). A link names the conversation and expires;
without the key it can be neither forged nor pointed at another conversation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Optional

LINK_TTL_S = 7 * 24 * 3600.0  # the notice stays useful while the person gathers materials
_CARD = b"card-link"


def _mac(key: bytes, message: str) -> str:
    digest = hmac.new(key, _CARD + b"|" + message.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def card_token(key: bytes, conversation_id: str, now: Optional[float] = None) -> str:
    expires = int((now or time.time()) + LINK_TTL_S)
    message = f"{conversation_id}.{expires}"
    return f"{message}.{_mac(key, message)}"


def conversation_of(key: bytes, token: str, now: Optional[float] = None) -> Optional[str]:
    """The conversation a genuine, unexpired link names; None otherwise."""
    parts = token.rsplit(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    conversation_id, expires, mac = parts
    if not hmac.compare_digest(mac, _mac(key, f"{conversation_id}.{expires}")):
        return None
    if int(expires) < (now or time.time()):
        return None
    return conversation_id


def card_url(portal_url: str, key: bytes, conversation_id: str) -> str:
    return f"{portal_url.rstrip('/')}/wechat/card/{card_token(key, conversation_id)}"
