"""Bearer-token check for the application endpoints (the bot and departments share one token)."""

from __future__ import annotations

import hmac
from functools import wraps
from typing import Any, Awaitable, Callable

from sanic import Request
from sanic.response import HTTPResponse

from bot.intake.responses import error_response

Handler = Callable[..., Awaitable[HTTPResponse]]


def require_token(handler: Handler) -> Handler:
    @wraps(handler)
    async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        expected = request.app.ctx.settings.intake_token
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), expected.encode()
        ):
            return error_response(
                401, "unauthorized", "missing or wrong bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return await handler(request, *args, **kwargs)

    return checked
