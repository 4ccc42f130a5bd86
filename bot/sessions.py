"""Session tokens: a conversation belongs to whoever holds its signed, expiring token (PyJWT,
HS256 with the installation's session key). The token names the conversation and, when the
person signed in, their identity; channels take both from the token, never from the request."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Optional, Tuple

import jwt

from bot.settings import Settings

ALGORITHM = "HS256"
# An expired token still proves whose conversation it was this long: enough to get a fresh
# token for the same conversation (the widget after a weekend), not to act with the old one.
REFRESH_WINDOW_S = 7 * 24 * 3600
MAX_TOKEN_CHARS = 2048


@dataclass(frozen=True)
class Session:
    conversation_id: str
    identity_token: Optional[str]
    channel: str
    expires_at: float


class SessionProblem(Exception):
    """Why a request is refused: session_required, session_invalid, session_expired,
    session_mismatch (someone else's conversation)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def new_conversation_id(channel: str = "web") -> str:
    return f"{channel}-{secrets.token_hex(12)}"


class Sessions:
    def __init__(self, key: str, ttl_s: int) -> None:
        if not key:
            raise ValueError("a session key is required")
        self._key = key
        self.ttl_s = ttl_s

    @classmethod
    def from_settings(cls, settings: Settings) -> Sessions:
        return cls(settings.session_key, settings.session_ttl_s)

    def issue(self, conversation_id: Optional[str] = None, identity_token: Optional[str] = None,
              channel: str = "web") -> Tuple[Session, str]:
        now = time.time()
        session = Session(conversation_id or new_conversation_id(channel), identity_token or None, channel,
                          now + self.ttl_s)
        claims = {"sub": session.conversation_id, "ch": channel, "iat": int(now), "exp": int(session.expires_at)}
        if session.identity_token:
            claims["idt"] = session.identity_token
        return session, jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: Optional[str], allow_expired: bool = False) -> Session:
        if not token:
            raise SessionProblem("session_required")
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
            raise SessionProblem("session_invalid")
        try:
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM],
                                options={"require": ["sub", "exp"], "verify_exp": not allow_expired})
        except jwt.ExpiredSignatureError:
            raise SessionProblem("session_expired") from None
        except jwt.InvalidTokenError:
            raise SessionProblem("session_invalid") from None
        if allow_expired and claims["exp"] + REFRESH_WINDOW_S < time.time():
            raise SessionProblem("session_expired")
        return Session(str(claims["sub"]), claims.get("idt"), str(claims.get("ch", "web")), float(claims["exp"]))

    def check(self, token: Optional[str], conversation_id: Optional[str]) -> Session:
        """The session for acting on `conversation_id` (or on the token's own, when None)."""
        session = self.verify(token)
        if conversation_id is not None and conversation_id != session.conversation_id:
            raise SessionProblem("session_mismatch")
        return session


def bearer(authorization: str) -> Optional[str]:
    scheme, _, value = (authorization or "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None
