"""A local stand-in for the SMS gateway (embedded profile and tests): `POST /dev/sms/send` speaks
the gateway protocol (bot/sms/gateway.py) and keeps each message; `GET /dev/sms/messages` lists
them, newest last, so a person trying the demo (or a test) can read what a phone would get."""

from __future__ import annotations

import hmac
import time

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse
from sqlalchemy import select

from bot.db import Database
from bot.db.tables import sms_standin
from bot.json_body import BodyProblem, parse_json_object
from bot.privacy import is_valid_mobile, normalize_mobile

bp = Blueprint("sms_standin", url_prefix="/dev/sms")
MAX_TEXT = 500


def _db(request: Request) -> Database:
    return request.app.ctx.desk.db


@bp.post("/send")
async def send(request: Request) -> HTTPResponse:
    key = request.app.ctx.settings.sms_key
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {key}".encode()):
        return response.json({"error": "unauthorized"}, status=401)
    try:
        body = parse_json_object(request.body or b"{}")
    except BodyProblem as problem:
        return response.json({"error": problem.code}, status=problem.status)
    phone, text = normalize_mobile(str(body.get("phone") or "")), str(body.get("text") or "")
    if not is_valid_mobile(phone):
        return response.json({"error": "invalid_phone"}, status=400)
    if not text or len(text) > MAX_TEXT:
        return response.json({"error": "invalid_text"}, status=400)
    row_id = await _db(request).run(lambda conn: conn.execute(
        sms_standin.insert().values(at=time.time(), phone=phone, text=text)).inserted_primary_key[0], writer=True)
    return response.json({"message_id": f"standin-{row_id}"})


@bp.get("/messages")
async def messages(request: Request) -> HTTPResponse:
    query = select(sms_standin).order_by(sms_standin.c.id)
    phone = request.args.get("phone")
    if phone:
        query = query.where(sms_standin.c.phone == normalize_mobile(phone))
    rows = await _db(request).run(lambda conn: conn.execute(query.limit(500)).all())
    return response.json({"messages": [{"id": r.id, "at": r.at, "phone": r.phone, "text": r.text} for r in rows]})
