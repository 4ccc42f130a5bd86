"""The intake API over HTTP (aiohttp), each answer sorted into what the client should do next."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Union

import aiohttp
from pydantic import ValidationError

from bot.intake.contract import ApplicationCreated, ApplicationView, FieldError

logger = logging.getLogger(__name__)

# Too early / too many requests: 4xx in name, but waiting and retrying is what they ask for.
_RETRYABLE_4XX = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Accepted:
    created: ApplicationCreated


@dataclass(frozen=True)
class Invalid:
    """422: the content is wrong; the citizen must fix it, retrying cannot help."""

    errors: List[FieldError]


@dataclass(frozen=True)
class Refused:
    """Any other 4xx (wrong token, malformed request): a configuration or program error."""

    status: int
    detail: str


@dataclass(frozen=True)
class Unavailable:
    """Timeout, connection error, 5xx: worth retrying later."""

    detail: str


Outcome = Union[Accepted, Invalid, Refused, Unavailable]


class IntakeUnavailable(RuntimeError):
    """A lookup could not be answered now."""


class IntakeApi:
    def __init__(self, base_url: str, token: str, timeout_s: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: Optional[aiohttp.ClientSession] = None

    async def post_application(self, body: str) -> Outcome:
        try:
            async with self._client().post(
                f"{self.base_url}/applications", data=body.encode("utf-8")
            ) as response:
                answer = await self._json(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            return Unavailable(f"{type(error).__name__}: {error}")
        try:
            if status in (200, 201):
                return Accepted(ApplicationCreated.parse_obj(answer))
            if status == 422:
                return Invalid([FieldError.parse_obj(e) for e in answer.get("errors", [])])
        except (ValidationError, AttributeError, TypeError) as error:
            # A garbled success may still have been stored: resending with the key is safe.
            return Unavailable(f"unreadable HTTP {status} answer: {error}")
        detail = f"HTTP {status} {answer.get('error', '') if isinstance(answer, dict) else ''}"
        if status >= 500 or status in _RETRYABLE_4XX:
            return Unavailable(detail.strip())
        return Refused(status, detail.strip())

    async def get_application(self, application_id: str) -> Optional[ApplicationView]:
        return await self._view(f"{self.base_url}/applications/{application_id}", None)

    async def find_by_receipt(self, receipt_no: str) -> Optional[ApplicationView]:
        return await self._view(f"{self.base_url}/applications", {"receipt_no": receipt_no})

    async def _view(self, url: str, params: Optional[Dict[str, str]]) -> Optional[ApplicationView]:
        try:
            async with self._client().get(url, params=params) as response:
                answer = await self._json(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            raise IntakeUnavailable(f"{type(error).__name__}: {error}") from error
        if status == 404:
            return None
        if status != 200:
            raise IntakeUnavailable(f"HTTP {status}")
        try:
            return ApplicationView.parse_obj(answer)
        except ValidationError as error:
            raise IntakeUnavailable(f"unreadable answer: {error}") from error

    @staticmethod
    async def _json(response: aiohttp.ClientResponse) -> Any:
        try:
            return await response.json(content_type=None)
        except ValueError:
            return None

    def _client(self) -> aiohttp.ClientSession:
        # Made on first use: an aiohttp session belongs to the loop it was created in.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
