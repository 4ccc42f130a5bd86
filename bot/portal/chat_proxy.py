"""`/webhooks/rest/session` and `/webhooks/rest/webhook` on the portal's own origin, passed to the
Rasa server: one origin serves a page, its chat and the mini-program's calls (no CORS needed),
which is also what a deployment's reverse proxy does in front of several Rasa servers."""

from __future__ import annotations

import logging
from typing import Optional

import aiohttp
from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)
bp = Blueprint("chat_proxy")
PASSED_HEADERS = ("authorization", "content-type")
TIMEOUT_S = 90.0  # the first turn after a restart may wait for the model


class ChatProxy:
    def __init__(self, rasa_url: str) -> None:
        self.rasa_url = rasa_url
        self._session: Optional[aiohttp.ClientSession] = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


@bp.post("/webhooks/rest/session")
async def session(request: Request) -> HTTPResponse:
    return await _forward(request, "session")


@bp.post("/webhooks/rest/webhook")
async def webhook(request: Request) -> HTTPResponse:
    return await _forward(request, "webhook")


async def _forward(request: Request, path: str) -> HTTPResponse:
    proxy: ChatProxy = request.app.ctx.chat_proxy
    headers = {k: v for k, v in request.headers.items() if k.lower() in PASSED_HEADERS}
    try:
        async with proxy.session().post(f"{proxy.rasa_url}/webhooks/rest/{path}", data=request.body or b"",
                                        headers=headers) as upstream:
            body = await upstream.read()
            return response.raw(body, status=upstream.status,
                                content_type=upstream.headers.get("content-type", "application/json"))
    except (aiohttp.ClientError, TimeoutError):
        logger.warning("chat proxy: the Rasa server did not answer")
        return response.json({"error": "chat_unavailable", "message": "the chat service is restarting; try again"},
                             status=503)
