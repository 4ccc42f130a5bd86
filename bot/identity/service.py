"""The demo identity HTTP service: serves demo_people.yml at GET /identity/v1/me."""

from __future__ import annotations

import hmac

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.identity.http_adapter import ME_PATH, SERVICE_TOKEN_HEADER
from bot.intake.responses import error_response, json_response

identity_bp = Blueprint("identity")


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@identity_bp.get(ME_PATH)
async def me(request: Request) -> HTTPResponse:
    """Needs app.ctx.identity_provider (a DemoIdentityProvider) and app.ctx.identity_token."""
    expected = request.app.ctx.identity_token
    given = request.headers.get(SERVICE_TOKEN_HEADER, "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return error_response(401, "unauthorized", "missing or wrong service token")
    identity = request.app.ctx.identity_provider.get(_bearer(request))
    if identity is None:
        return error_response(404, "unknown_user", "no identity for this login token")
    return json_response(identity.dict())
