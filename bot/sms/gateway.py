"""The SMS gateway interface and its HTTP adapter.

The wire protocol (what a real gateway's adapter, or our stand-in, speaks):
`POST <url>` with `Authorization: Bearer <key>` and JSON `{"phone": "13800000000", "text": "…"}`;
`200 {"message_id": "…"}` when accepted, any other status (JSON `{"error": "…"}`) when not.
Set `BOT_SMS_URL` and `BOT_SMS_KEY` for a real gateway; the embedded profile sends to the local
stand-in (bot/sms/standin.py) on the portal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional, Protocol

import aiohttp

from bot.privacy import mask_phone
from bot.settings import Settings

logger = logging.getLogger(__name__)
TIMEOUT_S = 5.0


@dataclass(frozen=True)
class SmsResult:
    ok: bool
    message_id: Optional[str] = None
    error: Optional[str] = None


class SmsGateway(Protocol):
    async def send(self, phone: str, text: str) -> SmsResult: ...


class HttpSms:
    """One per process; its HTTP session belongs to the event loop that first uses it."""

    def __init__(self, url: str, key: str, timeout_s: float = TIMEOUT_S) -> None:
        self.url = url
        self.key = key
        self.timeout_s = timeout_s
        self._session: Optional[aiohttp.ClientSession] = None

    async def send(self, phone: str, text: str) -> SmsResult:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s))
        try:
            async with self._session.post(self.url, json={"phone": phone, "text": text},
                                          headers={"Authorization": f"Bearer {self.key}"}) as response:
                body = await response.json(content_type=None)
                if response.status == 200 and isinstance(body, dict) and body.get("message_id"):
                    return SmsResult(True, str(body["message_id"]))
                error = body.get("error") if isinstance(body, dict) else None
                return SmsResult(False, error=f"HTTP {response.status}: {error or 'refused'}")
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            logger.warning("SMS to %s not sent: %s", mask_phone(phone), type(exc).__name__)
            return SmsResult(False, error=f"gateway unreachable ({type(exc).__name__})")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def gateway_from_settings(settings: Settings) -> HttpSms:
    return HttpSms(settings.sms_url or f"{settings.portal_url}/dev/sms/send", settings.sms_key)
