"""The mini-program's backend calls (miniprogram/README.md): `POST /api/v1/miniprogram/login`
(`wx.login` code → jscode2session → a session token bound to the openid's conversation, and,
when a sign-in is given, to that identity) and `GET /api/v1/applications` (我的办件: the
applications this conversation filed, with their status from the application API)."""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse
from sqlalchemy import select

from bot.db.tables import outbox
from bot.json_body import BodyProblem, parse_json_object
from bot.sessions import SessionProblem, bearer
from bot.wechat.identity import SignInFailed, openid_for

logger = logging.getLogger(__name__)
bp = Blueprint("miniprogram", url_prefix="/api/v1")
MAX_CODE_CHARS = 128


def _error(code: str, message: str, status: int) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status)


@bp.post("/miniprogram/login")
async def login(request: Request) -> HTTPResponse:
    wechat = request.app.ctx.wechat
    if wechat is None:
        return _error("wechat_off", "the WeChat mini-program is not configured here", 404)
    try:
        body = parse_json_object(request.body or b"")
    except BodyProblem as problem:
        return _error(problem.code, str(problem), problem.status)
    code, identity = body.get("code"), body.get("identity_token") or None
    if not isinstance(code, str) or not code or len(code) > MAX_CODE_CHARS:
        return _error("invalid_code", "`code` must be the string wx.login() gave", 400)
    if identity is not None and (not isinstance(identity, str) or len(identity) > 256
                                 or await request.app.ctx.identity.lookup(identity) is None):
        return _error("unknown_identity", "the identity provider does not know this sign-in", 400)
    try:
        openid = await openid_for(wechat.exchange_code, code)
    except SignInFailed:
        logger.info("mini-program login refused by WeChat")
        return _error("login_failed", "WeChat did not accept the login code; call wx.login() again", 400)
    users = wechat.users
    if identity:
        conversation_id = await users.bind_identity(openid, identity)
    else:
        await users.forget_identity(openid)
        conversation_id = users.conversation_id(openid)
    issued, token = request.app.ctx.sessions.issue(conversation_id, identity, "miniprogram")
    return response.json({"session_token": token, "conversation_id": issued.conversation_id,
                          "expires_in": request.app.ctx.sessions.ttl_s, "signed_in": bool(identity)})


@bp.get("/applications")
async def applications(request: Request) -> HTTPResponse:
    """我的办件 of the conversation the session token names, newest first."""
    try:
        session = request.app.ctx.sessions.verify(bearer(request.headers.get("authorization", "")))
    except SessionProblem as problem:
        return _error(problem.code, "this needs the conversation's session token", 401)
    c = outbox.c
    query = (select(c.provisional_ref, c.receipt_no, c.bundle_id, c.state, c.updated_at)
             .where(c.conversation_id == session.conversation_id).order_by(c.created_at.desc()).limit(50))
    rows = await request.app.ctx.push_hub.store.db.run(lambda conn: conn.execute(query).all())
    return response.json({"applications": [await _entry(request, row) for row in rows]})


async def _entry(request: Request, row: Any) -> Dict[str, Optional[str]]:
    engine = request.app.ctx.engine
    reference = row.receipt_no or row.provisional_ref
    status = {"pending": "queued", "rejected": "rejected"}.get(row.state, "submitted")
    handoff = getattr(request.app.ctx, "desk_handoff", None)  # the desk's client of the application API
    if row.receipt_no and handoff is not None:
        report = await handoff.status(row.receipt_no)
        status = report.status if report.status not in ("unavailable", "not_found") else status
    bundle = engine.catalogue.summaries.get(row.bundle_id)
    return {
        "receipt_no": reference,
        "bundle_id": row.bundle_id,
        "bundle_name": bundle.name if bundle else row.bundle_id,
        "status": status,
        "status_label": engine.catalogue.label("application_status", status),
        "updated_at": int(row.updated_at),
    }
