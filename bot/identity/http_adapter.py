"""The identity provider that asks a remote identity service over HTTP (GET /identity/v1/me)."""

from __future__ import annotations

import logging
from typing import Optional

import aiohttp

from bot.identity.model import Identity
from bot.identity.provider import IdentityUnavailable

logger = logging.getLogger(__name__)

ME_PATH = "/identity/v1/me"
SERVICE_TOKEN_HEADER = "X-Service-Token"


class HttpIdentityProvider:
    """The user's login token goes in `Authorization: Bearer`, ours in X-Service-Token."""

    def __init__(self, base_url: str, service_token: str, timeout_s: float = 5.0):
        self._url = base_url.rstrip("/") + ME_PATH
        self._service_token = service_token
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: Optional[aiohttp.ClientSession] = None

    async def lookup(self, token: Optional[str]) -> Optional[Identity]:
        if not token:
            return None
        headers = {"Authorization": f"Bearer {token}", SERVICE_TOKEN_HEADER: self._service_token}
        try:
            async with self._client().get(self._url, headers=headers) as response:
                if response.status == 404:
                    return None  # the service does not know this login: treat as anonymous
                if response.status != 200:
                    raise IdentityUnavailable(f"identity service answered HTTP {response.status}")
                return Identity.parse_obj(await response.json())
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise IdentityUnavailable(f"identity service unreachable: {error!r}") from error

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use: an aiohttp session must be made inside the running loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
