"""`/api/v1/demo-logins`: the fictional people a demo visitor may "log in as" (demo only)."""

from __future__ import annotations

from functools import lru_cache
from typing import List

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.identity.demo import DemoIdentityProvider

bp = Blueprint("demo_logins", url_prefix="/api/v1")


@lru_cache(maxsize=1)
def demo_logins() -> List[dict]:
    provider = DemoIdentityProvider.from_file()
    # Names only: the selector needs no ID numbers or phones, and the page is public.
    return [{"token": token, "name": provider.get(token).name, "kind": provider.get(token).kind}
            for token in provider.tokens]


@bp.get("/demo-logins")
async def logins(request: Request) -> HTTPResponse:
    if request.app.ctx.settings.identity_provider != "demo":
        return response.json({"logins": []})
    return response.json({"logins": demo_logins()})
