"""The portal app factory: one blueprint per feature, settings and engine loaded once."""

from __future__ import annotations

from typing import Optional

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot import heap
from bot.catalogue import load_catalogue
from bot.db import open_database
from bot.desk.app import install as install_desk
from bot.dialogue.store import ConversationStore
from bot.engine.engine import Engine
from bot.engine.routing_examples import load_routing_examples
from bot.portal.catalogue_api import bp as catalogue_api
from bot.portal.conversation_stream import PushHub
from bot.portal.conversation_stream import bp as conversation_stream
from bot.portal.demo_logins import bp as demo_logins
from bot.portal.pages import bp as pages
from bot.portal.static_files import bp as static_files
from bot.settings import Settings, get_settings


def create_app(settings: Optional[Settings] = None, engine: Optional[Engine] = None) -> Sanic:
    settings = settings or get_settings()
    app = Sanic("portal")
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.settings = settings
    app.ctx.engine = engine or Engine(
        load_catalogue(settings.rules_dir, settings.cache_dir),
        load_routing_examples(settings.data_dir / "nlu" / "bundles"),
    )
    app.ctx.engine.prepare_routing()
    app.ctx.push_hub = PushHub(ConversationStore(open_database(settings.db_url)))
    app.blueprint(catalogue_api)
    app.blueprint(conversation_stream)
    app.blueprint(demo_logins)
    app.blueprint(pages)
    app.blueprint(static_files)
    install_desk(app, settings)  # the agent desk at /desk (bot/desk)

    @app.before_server_start
    async def start_push_hub(app: Sanic, _loop) -> None:
        await app.ctx.push_hub.start()

    @app.before_server_stop
    async def stop_push_hub(app: Sanic, _loop) -> None:
        await app.ctx.push_hub.stop()

    @app.after_server_start
    async def settle_heap(_app: Sanic, _loop) -> None:
        heap.settle()

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok", "bundles": len(app.ctx.engine.catalogue.bundles)})

    return app
