"""WeChat's message push, read with wechatpy: GET verification, POST in plain, compatible and
safe mode (XML, or JSON), signatures and the appid checked, parsed into one `Push`.

Anything that is not a genuine push is refused with a `PushRefused` carrying the HTTP status
to answer (4xx, never 500) and a short reason for the log. XML with a DOCTYPE or entities is
refused before any parser sees it: WeChat never sends one, and entity expansion is how XXE and
"billion laughs" payloads work."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import EVENT_TYPES
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import MESSAGE_TYPES, UnknownMessage
from wechatpy.utils import check_signature

from bot.wechat.config import WeChatConfig

MAX_BODY_BYTES = 64 * 1024  # a text push is at most a few KB; anything far bigger is not WeChat
MAX_OPENID_CHARS = 128
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_TYPES = ("text/xml", "application/xml", "text/plain")
_JSON_TYPES = ("application/json", "text/json")


class PushRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Push:
    """One message or event from a person, whatever mode and format it came in."""

    msg_type: str  # text | image | miniprogrampage | event | …
    event: str  # for events: user_enter_tempsession, …
    openid: str
    create_time: int
    msg_id: int
    content: str
    session_from: str

    @property
    def is_text(self) -> bool:
        return self.msg_type == "text"

    @property
    def enters_session(self) -> bool:
        return self.msg_type == "event" and self.event == "user_enter_tempsession"

    def dedupe_key(self, conversation_id: str) -> str:
        """WeChat retries with the same MsgId; events have none: sender + time identify them."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"evt:{conversation_id}:{self.create_time}:{self.event or self.msg_type}"


class PushReader:
    def __init__(self, config: WeChatConfig) -> None:
        self.config = config
        self.crypto = WeChatCrypto(config.token, config.aes_key, config.appid) if config.aes_key else None

    def verify_url(self, query: Mapping[str, str]) -> str:
        """GET verification: the `echostr` to answer with, unchanged."""
        echostr = query.get("echostr", "")
        if not echostr or len(echostr) > 512:
            raise PushRefused(400, "verification without echostr")
        self._check_signature(query)
        return echostr

    def read(self, query: Mapping[str, str], body: bytes, content_type: str) -> Push:
        if len(body) > MAX_BODY_BYTES:
            raise PushRefused(413, "body too large")
        if not body.strip():
            raise PushRefused(400, "empty body")
        if _DECLARATION.search(body):
            raise PushRefused(400, "XML declarations (DOCTYPE/ENTITY) refused")
        fmt = _format(body, content_type)
        self._check_signature(query)
        outer = _parse(body, fmt)
        encrypted = query.get("encrypt_type", "") == "aes" or ("Encrypt" in outer and self.config.mode == "safe")
        if self.config.mode == "safe" and not encrypted:
            raise PushRefused(403, "plaintext push while in safe mode")
        if self.config.mode == "plain" and encrypted:
            raise PushRefused(400, "encrypted push while in plain mode")
        if encrypted:
            plain = self._decrypt(outer, query)
            if _DECLARATION.search(plain.encode("utf-8")):
                raise PushRefused(400, "XML declarations (DOCTYPE/ENTITY) refused")
            try:
                return _push_of(plain, fmt)
            except PushRefused:
                # WeChat's scheme has no MAC: a tampered ciphertext shows as garbage inside.
                raise PushRefused(403, "ciphertext does not decrypt to a push") from None
        return _push_of(body.decode("utf-8"), fmt)

    def _check_signature(self, query: Mapping[str, str]) -> None:
        try:
            check_signature(self.config.token, query.get("signature", ""), query.get("timestamp", ""),
                            query.get("nonce", ""))
        except InvalidSignatureException:
            raise PushRefused(403, "signature does not match") from None

    def _decrypt(self, outer: Dict[str, Any], query: Mapping[str, str]) -> str:
        if self.crypto is None:
            raise PushRefused(403, "encrypted push but no EncodingAESKey configured")
        if not isinstance(outer.get("Encrypt"), str):
            raise PushRefused(400, "encrypted push without Encrypt")
        try:
            return self.crypto.decrypt_message({"Encrypt": outer["Encrypt"]}, query.get("msg_signature", ""),
                                               query.get("timestamp", ""), query.get("nonce", ""))
        except InvalidSignatureException:
            raise PushRefused(403, "msg_signature does not match") from None
        except InvalidAppIdException:
            raise PushRefused(403, "ciphertext is for another appid") from None
        except Exception:  # noqa: BLE001 - bad base64, padding or length: a tampered ciphertext
            raise PushRefused(403, "ciphertext does not decrypt") from None


def _format(body: bytes, content_type: str) -> str:
    kind = content_type.split(";")[0].strip().lower()
    first = body.lstrip()[:1]
    if kind and kind not in _XML_TYPES + _JSON_TYPES:
        raise PushRefused(415, f"content type {kind[:40]!r} is not XML or JSON")
    if first == b"<" and kind not in _JSON_TYPES:
        return "xml"
    if first == b"{" and kind not in ("text/xml", "application/xml"):
        return "json"
    raise PushRefused(400, "body is neither an XML nor a JSON push")


def _parse(raw: Any, fmt: str) -> Dict[str, Any]:
    try:
        if fmt == "json":
            data = json.loads(raw)
        else:
            data = xmltodict.parse(raw, disable_entities=True).get("xml")
    except Exception:  # noqa: BLE001 - malformed XML/JSON or bad UTF-8 from whoever is calling
        raise PushRefused(400, f"malformed {fmt}") from None
    if not isinstance(data, dict):
        raise PushRefused(400, f"{fmt} push is not an <xml> object")
    return data


def _push_of(plain: str, fmt: str) -> Push:
    data = _parse(plain, fmt)
    try:
        message = parse_message(plain) if fmt == "xml" else _message_of(data)
        openid = message.source
        push = Push(
            msg_type=str(data.get("MsgType") or "").lower(),
            event=str(data.get("Event") or "").lower(),
            openid=openid if isinstance(openid, str) else "",
            create_time=int(message.time or 0),
            msg_id=int(message.id or 0),
            content=str(getattr(message, "content", "") or ""),
            session_from=str(getattr(message, "session_from", "") or ""),
        )
    except Exception:  # noqa: BLE001 - a field of the wrong type, no MsgType: not a push
        raise PushRefused(400, "not a WeChat message push") from None
    if not push.openid or len(push.openid) > MAX_OPENID_CHARS or not push.msg_type:
        raise PushRefused(400, "push without a sender or a type")
    return push


def _message_of(data: Dict[str, Any]) -> Optional[Any]:
    """wechatpy's message classes from a JSON push (its parse_message reads XML only)."""
    kind = str(data.get("MsgType", "")).lower()
    if kind == "event":
        return EVENT_TYPES.get(str(data.get("Event", "")).lower(), UnknownMessage)(data)
    return MESSAGE_TYPES.get(kind, UnknownMessage)(data)
