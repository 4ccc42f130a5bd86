"""The WeChat channel's effective settings: the stand-in's in the embedded profile, the
operator's in production, and why the channel is off when they are missing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional

from bot.settings import Settings, get_settings

# The stand-in's account (bot/wechat_standin): fixed so that every process of `make run`
# agrees without configuration. Never valid against the real WeChat.
EMBEDDED_TOKEN = "yjs-standin-token"
EMBEDDED_AES_KEY = "eWpzLWVtYmVkZGVkLXdlY2hhdC1zdGFuZGluLWtleSE"  # 43 chars: base64 of 32 bytes
EMBEDDED_APPID = "wx00standin0000yjs"
EMBEDDED_SECRET = "yjs-standin-app-secret"
REAL_API_BASE = "https://api.weixin.qq.com/"
WEBHOOK_PATH = "/webhooks/wechat/webhook"


@dataclass(frozen=True)
class WeChatConfig:
    token: str
    aes_key: str
    appid: str
    secret: str
    api_base: str  # ends with "/"; cgi-bin/… and sns/… hang off it
    mode: str  # plain | compatible | safe
    id_key: bytes
    off_reason: Optional[str] = None

    @property
    def enabled(self) -> bool:
        return self.off_reason is None


def wechat_config(settings: Optional[Settings] = None) -> WeChatConfig:
    settings = settings or get_settings()
    embedded = settings.profile == "embedded"

    def pick(value: str, default: str) -> str:
        return value or (default if embedded else "")

    token = pick(settings.wechat_token, EMBEDDED_TOKEN)
    aes_key = pick(settings.wechat_aes_key, EMBEDDED_AES_KEY)
    appid = pick(settings.wechat_appid, EMBEDDED_APPID)
    secret = pick(settings.wechat_secret, EMBEDDED_SECRET)
    mode = settings.wechat_mode or "safe"
    standin = f"http://{settings.host}:{settings.wechat_standin_port}/"
    api_base = settings.wechat_api_base or (standin if embedded else REAL_API_BASE)
    missing = [name for name, value in (("BOT_WECHAT_TOKEN", token), ("BOT_WECHAT_APPID", appid),
                                        ("BOT_WECHAT_SECRET", secret)) if not value]
    if mode != "plain" and not aes_key:
        missing.append("BOT_WECHAT_AES_KEY")
    off_reason = f"{', '.join(missing)} unset" if missing else None
    if aes_key and len(aes_key) != 43:
        off_reason = "BOT_WECHAT_AES_KEY must be the console's 43-character EncodingAESKey"
    # Conversation ids are an HMAC of the openid; without a key of its own the key follows the
    # account (rotating the push token would then start new conversations).
    id_key = settings.wechat_id_key or f"conversation-ids|{appid}|{token}"
    return WeChatConfig(token=token, aes_key=aes_key, appid=appid, secret=secret,
                        api_base=api_base.rstrip("/") + "/", mode=mode,
                        id_key=hashlib.sha256(id_key.encode()).digest(), off_reason=off_reason)
