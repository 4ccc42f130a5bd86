"""`/wechat/card/<link>`: the page a WeChat card opens — the conversation's latest materials
notice (with its bundle summary), form and, once filed with that notice, the receipt number,
shown in full on the printable notice page.

The link is signed and expires (bot/wechat/cards.py); the contents come from the conversation's
transcript, where personal values are already masked, and reach the page in the URL fragment,
as the web widget's notice link does, so they are never written to a server log."""

from __future__ import annotations

import json
from typing import Any, Dict
from urllib.parse import quote

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.db import DatabaseUnavailable, open_database
from bot.dialogue.store import ConversationStore
from bot.portal.pages import page
from bot.sealing import Sealer
from bot.wechat.cards import conversation_of
from bot.wechat.config import wechat_config

bp = Blueprint("wechat_cards")
SHOWN = ("bundle", "materials_notice", "form", "application")


@bp.get("/wechat/card/<link>")
async def card(request: Request, link: str) -> HTTPResponse:
    settings = request.app.ctx.settings
    config = wechat_config(settings)
    conversation_id = conversation_of(config.id_key, link) if config.enabled and len(link) < 300 else None
    if conversation_id is None:
        return page(request, "card_gone.html", status=404)
    try:
        store = ConversationStore(open_database(settings.db_url), Sealer.from_settings(settings))
        lines = await store.transcript(conversation_id)
    except DatabaseUnavailable:
        return page(request, "card_gone.html", status=503)
    latest: Dict[str, Any] = {}
    for line in lines:
        custom = (line.data or {}).get("custom") or {}
        if custom.get("type") in SHOWN:
            latest[custom["type"]] = custom
        if custom.get("type") == "materials_notice":
            latest.pop("application", None)  # a receipt belongs to the notice it was filed after
    if "materials_notice" not in latest and "form" not in latest:
        return page(request, "card_gone.html", status=404)
    application = latest.get("application") or {}
    notice = latest.get("materials_notice") or {}
    receipt = ({k: application.get(k) for k in ("receipt_no", "status", "bundle_id")}
               if application.get("receipt_no") and application.get("bundle_id") == notice.get("bundle_id") else None)
    data = {"notice": latest.get("materials_notice"), "bundle": latest.get("bundle"), "form": latest.get("form"),
            "application": receipt}
    fragment = quote(json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False, separators=(",", ":")))
    return response.redirect(f"/notice#{fragment}", headers={"Cache-Control": "no-store",
                                                              "Referrer-Policy": "no-referrer"})
