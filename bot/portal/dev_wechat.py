"""`/dev/wechat` (embedded profile only): chat with the bot "as WeChat" through the local
stand-in, without a WeChat account. The page pushes messages through the stand-in (signed and
encrypted as WeChat does) and shows what the bot sent through the send API; its demo login is the
mini-program's sign-in: a `wx.login()` code from the stand-in, exchanged by the bot's backend at
jscode2session and bound to a demo identity (`POST /dev/wechat/sign-in`)."""

from __future__ import annotations

import json
from typing import Any, Optional

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.portal.demo_logins import demo_logins
from bot.portal.pages import content_security_policy, origin, render
from bot.settings import Settings
from bot.wechat.identity import SignInFailed, sign_in, sign_out
from bot.wechat.service import WeChat

bp = Blueprint("dev_wechat")


def standin_url(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.wechat_standin_port}"


def _wechat(request: Request) -> Optional[WeChat]:
    return request.app.ctx.wechat


@bp.route("/dev/wechat", methods=["GET", "HEAD"])
async def dev_page(request: Request) -> HTTPResponse:
    settings: Settings = request.app.ctx.settings
    policy = content_security_policy(settings).replace(
        "connect-src 'self'", f"connect-src 'self' {origin(standin_url(settings))}")
    body = render("dev_wechat.html", STANDIN_URL=standin_url(settings))
    return response.html(body, headers={"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff",
                                        "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})


@bp.post("/dev/wechat/sign-in")
async def dev_sign_in(request: Request) -> HTTPResponse:
    """{code, identity_token}: a demo token signs in, an empty one signs out."""
    try:
        body: Any = json.loads(request.body or b"null")
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    token = body.get("identity_token") if isinstance(body, dict) else None
    known = {login["token"] for login in demo_logins()}
    if not isinstance(code, str) or not code or not isinstance(token, str) or (token and token not in known):
        return response.json({"error": "invalid_request", "message": "need a login code and a demo identity token"},
                             status=400)
    wechat = _wechat(request)
    if wechat is None:
        return response.json({"error": "wechat_off", "message": "the WeChat channel is off"}, status=404)
    try:
        if token:
            await sign_in(wechat.users, wechat.exchange_code, code, token)
        else:
            await sign_out(wechat.users, wechat.exchange_code, code)
    except SignInFailed as error:
        return response.json({"error": "sign_in_failed", "message": str(error)[:200]}, status=502)
    return response.json({"signed_in": bool(token)})
