"""Message pushes exactly as WeChat sends them, built with wechatpy's own WeChatCrypto: the XML
(or JSON) message, the URL's signature, timestamp and nonce, and in compatible and safe mode the
`Encrypt` element with `encrypt_type=aes` and `msg_signature`."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

ORIGINAL_ID = "gh_0standin0yjs"  # the mini-program's original id: ToUserName of every push


@dataclass
class PushSigner:
    token: str
    aes_key: str
    appid: str
    mode: str = "safe"  # plain | compatible | safe
    fmt: str = "xml"  # xml | json
    _crypto: Optional[WeChatCrypto] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.aes_key:
            self._crypto = WeChatCrypto(self.token, self.aes_key, self.appid)

    @staticmethod
    def fields(openid: str, msg_type: str, msg_id: int = 0, create_time: Optional[int] = None,
               **extra: Any) -> Dict[str, Any]:
        """A push's fields in WeChat's names: Content, PicUrl, MediaId, Event, SessionFrom, …"""
        out: Dict[str, Any] = {"ToUserName": ORIGINAL_ID, "FromUserName": openid,
                               "CreateTime": int(create_time or time.time()), "MsgType": msg_type}
        out.update(extra)
        if msg_id:
            out["MsgId"] = msg_id
        return out

    def plain(self, fields: Dict[str, Any]) -> str:
        if self.fmt == "json":
            return json.dumps(fields, ensure_ascii=False)
        return xmltodict.unparse({"xml": fields}, full_document=False)

    def push(self, fields: Dict[str, Any], timestamp: Optional[str] = None,
             nonce: Optional[str] = None) -> Tuple[Dict[str, str], bytes, str]:
        """(query, body, content type) of the POST WeChat would make for `fields`."""
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or secrets.token_hex(5)
        query = {"signature": signature(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
        content_type = "application/json" if self.fmt == "json" else "text/xml"
        plain = self.plain(fields)
        if self.mode == "plain":
            return query, plain.encode("utf-8"), content_type
        assert self._crypto is not None, "compatible and safe mode need the EncodingAESKey"
        sealed = xmltodict.parse(self._crypto.encrypt_message(plain, nonce, timestamp))["xml"]
        query.update(encrypt_type="aes", msg_signature=sealed["MsgSignature"])
        outer = {"ToUserName": ORIGINAL_ID, "Encrypt": sealed["Encrypt"]}
        if self.mode == "compatible":
            outer = {**fields, "Encrypt": sealed["Encrypt"]}
        body = json.dumps(outer, ensure_ascii=False) if self.fmt == "json" else xmltodict.unparse(
            {"xml": outer}, full_document=False)
        return query, body.encode("utf-8"), content_type


def signature(token: str, *parts: str) -> str:
    """sha1 of the sorted, joined parts (URL signature; with Encrypt, the msg_signature)."""
    signer = WeChatSigner()
    signer.add_data(token, *parts)
    return signer.signature
