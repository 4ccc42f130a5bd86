"""The portal app factory: one blueprint per feature, settings loaded once, the engine kept live."""

from __future__ import annotations

from typing import Optional

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot import heap, stop_signals
from bot.db import open_database
from bot.desk.app import install as install_desk
from bot.dialogue.store import ConversationStore
from bot.engine.engine import Engine
from bot.engine.live import LiveEngine
from bot.identity.provider import provider_from_settings
from bot.portal.catalogue_api import bp as catalogue_api
from bot.portal.chat_proxy import ChatProxy
from bot.portal.chat_proxy import bp as chat_proxy
from bot.portal.conversation_stream import PushHub
from bot.portal.conversation_stream import bp as conversation_stream
from bot.portal.demo_logins import bp as demo_logins
from bot.portal.dev_wechat import bp as dev_wechat
from bot.portal.miniprogram import bp as miniprogram
from bot.portal.pages import bp as pages
from bot.portal.static_files import bp as static_files
from bot.portal.wechat_cards import bp as wechat_cards
from bot.sealing import Sealer
from bot.secrets import with_secrets
from bot.sessions import Sessions
from bot.settings import Settings, get_settings
from bot.wechat.service import build_wechat

MAX_BODY_BYTES = 256 * 1024  # the portal's APIs take a sentence or a small JSON object


def create_app(settings: Optional[Settings] = None, engine: Optional[Engine] = None) -> Sanic:
    settings = with_secrets(settings or get_settings())
    app = Sanic("portal")
    stop_signals.stop_on_signals(app)  # first: a signal during start-up listeners is kept
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.ctx.settings = settings
    # Rules edits go live while the portal runs (bot/engine/live.py); a given engine stays fixed.
    app.ctx.engine = engine or LiveEngine.from_settings(settings, "portal")
    app.ctx.engine.prepare_routing()
    app.ctx.sessions = Sessions.from_settings(settings)
    app.ctx.push_hub = PushHub(ConversationStore(open_database(settings.db_url), Sealer.from_settings(settings)))
    app.blueprint(catalogue_api)
    app.blueprint(conversation_stream)
    app.blueprint(demo_logins)
    app.blueprint(pages)
    app.blueprint(static_files)
    app.blueprint(wechat_cards)
    app.ctx.identity = provider_from_settings(settings)
    app.ctx.wechat = build_wechat(settings)  # None when the WeChat channel is off
    app.ctx.chat_proxy = ChatProxy(settings.rasa_url)
    app.blueprint(miniprogram)
    app.blueprint(chat_proxy)
    if settings.profile == "embedded":
        app.blueprint(dev_wechat)  # chat "as WeChat" through the local stand-in
    install_desk(app, settings)  # the agent desk at /desk (bot/desk)

    @app.before_server_start
    async def start_push_hub(app: Sanic, _loop) -> None:
        await app.ctx.push_hub.start()

    @app.before_server_stop
    async def stop_push_hub(app: Sanic, _loop) -> None:
        await app.ctx.push_hub.stop()
        await app.ctx.chat_proxy.close()

    @app.after_server_start
    async def settle_heap(_app: Sanic, loop) -> None:
        heap.settle_once_serving(loop)

    @app.after_server_start
    async def watch_rules(_app: Sanic, _loop) -> None:
        if isinstance(app.ctx.engine, LiveEngine):
            app.ctx.engine.start()

    @app.before_server_stop
    async def stop_watching(_app: Sanic, _loop) -> None:
        if isinstance(app.ctx.engine, LiveEngine):
            app.ctx.engine.stop()

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok", "bundles": len(app.ctx.engine.catalogue.bundles)})

    return app
