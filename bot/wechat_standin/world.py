"""What the stand-in WeChat knows: its access tokens (with WeChat's 5-minute overlap), each
user's reply quota, login codes, and a record of everything the bot sent."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

TOKEN_OVERLAP_S = 300.0  # WeChat keeps the previous token valid this long after a new one
MESSAGE_QUOTA = (5, 48 * 3600.0)  # after a person's message: 5 replies within 48 hours
ENTRY_QUOTA = (2, 60.0)  # after entering the session: 2 within a minute
MAX_TEXT_BYTES = 2048


@dataclass
class Quota:
    left: int = 0
    until: float = 0.0

    def open(self, now: float) -> bool:
        return self.left > 0 and now < self.until


@dataclass
class User:
    message: Quota = field(default_factory=Quota)
    entry: Quota = field(default_factory=Quota)
    last_interaction: float = 0.0


class WeChatError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode = errcode
        self.errmsg = errmsg

    def body(self) -> Dict[str, Any]:
        return {"errcode": self.errcode, "errmsg": self.errmsg}


@dataclass
class World:
    appid: str
    secret: str
    token_lifetime_s: int = 7200
    tokens: Dict[str, float] = field(default_factory=dict)  # token -> valid until
    users: Dict[str, User] = field(default_factory=dict)
    codes: Dict[str, str] = field(default_factory=dict)  # login code -> openid
    sent: List[Dict[str, Any]] = field(default_factory=list)
    typing: List[Dict[str, Any]] = field(default_factory=list)
    pushes: List[Dict[str, Any]] = field(default_factory=list)  # what the stand-in pushed, with the bot's answer
    errors: Dict[str, int] = field(default_factory=dict)
    token_fetches: int = 0
    send_api_down: bool = False
    next_msg_id: int = field(default_factory=lambda: 24_000_000_000_000_000 + secrets.randbelow(10**9) * 1000)

    # -- access tokens ----------------------------------------------------------------------------

    def issue_token(self, appid: str, secret: str, now: float) -> Tuple[str, int]:
        if appid != self.appid:
            raise WeChatError(40013, "invalid appid")
        if secret != self.secret:
            raise WeChatError(40125, "invalid appsecret")
        for old, until in list(self.tokens.items()):
            self.tokens[old] = min(until, now + TOKEN_OVERLAP_S)
        token = f"standin-{self.token_fetches + 1}-{secrets.token_hex(12)}"
        self.tokens[token] = now + self.token_lifetime_s
        self.token_fetches += 1
        return token, self.token_lifetime_s

    def check_token(self, token: Optional[str], now: float) -> None:
        if not token or token not in self.tokens:
            raise WeChatError(40001, "invalid credential, access_token is invalid or not latest")
        if self.tokens[token] <= now:
            raise WeChatError(42001, "access_token expired")

    def invalidate_tokens(self) -> None:
        """As if the secret were reset in the console: every token stops working at once."""
        self.tokens.clear()

    # -- people -----------------------------------------------------------------------------------

    def person_wrote(self, openid: str, now: float) -> None:
        user = self.users.setdefault(openid, User())
        user.message = Quota(MESSAGE_QUOTA[0], now + MESSAGE_QUOTA[1])
        user.last_interaction = now

    def person_entered(self, openid: str, now: float) -> None:
        user = self.users.setdefault(openid, User())
        user.entry = Quota(ENTRY_QUOTA[0], now + ENTRY_QUOTA[1])
        user.last_interaction = now

    def new_msg_id(self) -> int:
        self.next_msg_id += 1
        return self.next_msg_id

    def login_code(self, openid: str) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = openid
        return code

    def code_to_session(self, appid: str, secret: str, code: str) -> Dict[str, str]:
        if appid != self.appid or secret != self.secret:
            raise WeChatError(40013, "invalid appid or secret")
        openid = self.codes.pop(code, None)  # a code works once, as WeChat's do
        if openid is None:
            raise WeChatError(40029, "invalid code")
        return {"openid": openid, "session_key": secrets.token_urlsafe(16)}

    # -- the send API -------------------------------------------------------------------------------

    def accept(self, message: Any, now: float) -> Dict[str, Any]:
        """Record one customer-service message or raise WeChat's error for it."""
        if not isinstance(message, dict):
            raise WeChatError(44002, "empty post data")
        openid, kind = message.get("touser"), message.get("msgtype")
        user = self.users.get(openid) if isinstance(openid, str) else None
        if user is None:
            raise WeChatError(40003, "invalid openid")
        payload = message.get(kind) if isinstance(kind, str) else None
        problem = _problem(kind, payload)
        if problem:
            raise WeChatError(*problem)
        quota = user.entry if user.entry.open(now) else user.message
        if not quota.open(now):
            raise WeChatError(45047 if now < quota.until else 45015,
                              "out of response count limit" if now < quota.until else "response out of time limit")
        quota.left -= 1
        record = {"seq": len(self.sent) + 1, "openid": openid, "msgtype": kind, kind: payload, "at": now}
        self.sent.append(record)
        return record

    def note_error(self, errcode: int) -> None:
        self.errors[str(errcode)] = self.errors.get(str(errcode), 0) + 1

    def sent_to(self, openid: str, after: int = 0) -> List[Dict[str, Any]]:
        return [m for m in self.sent[after:] if m["openid"] == openid]


def _problem(kind: Any, payload: Any) -> Optional[Tuple[int, str]]:
    if kind not in ("text", "image", "link", "miniprogrampage") or not isinstance(payload, dict):
        return 40008, "invalid message type"
    if kind == "text":
        content = payload.get("content")
        if not isinstance(content, str) or not content.strip():
            return 44003, "empty content"
        if len(content.encode("utf-8")) > MAX_TEXT_BYTES:
            return 45002, "content size out of limit"
    if kind == "link" and not (payload.get("title") and payload.get("url")):
        return 40033, "link needs title and url"
    if kind == "miniprogrampage" and not (payload.get("title") and payload.get("pagepath")):
        return 40033, "miniprogrampage needs title and pagepath"
    if kind == "image" and not payload.get("media_id"):
        return 40007, "invalid media_id"
    return None
