"""GET /health: the service is up and its database answers."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.intake.responses import json_response

health_bp = Blueprint("health")


@health_bp.get("/health")
async def health(request: Request) -> HTTPResponse:
    await asyncio.to_thread(request.app.ctx.store.ping)
    return json_response({"status": "ok", "bundles": len(request.app.ctx.bundle_ids)})
