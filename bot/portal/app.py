"""The portal app factory: one blueprint per feature, settings loaded once, the engine kept live."""

from __future__ import annotations

from typing import Optional

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot import heap
from bot.engine.engine import Engine
from bot.engine.live import LiveEngine
from bot.portal.catalogue_api import bp as catalogue_api
from bot.portal.demo_logins import bp as demo_logins
from bot.portal.pages import bp as pages
from bot.portal.static_files import bp as static_files
from bot.settings import Settings, get_settings


def create_app(settings: Optional[Settings] = None, engine: Optional[Engine] = None) -> Sanic:
    settings = settings or get_settings()
    app = Sanic("portal")
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.settings = settings
    # Rules edits go live while the portal runs (bot/engine/live.py); a given engine stays fixed.
    app.ctx.engine = engine or LiveEngine.from_settings(settings, "portal")
    app.ctx.engine.prepare_routing()
    app.blueprint(catalogue_api)
    app.blueprint(demo_logins)
    app.blueprint(pages)
    app.blueprint(static_files)

    @app.after_server_start
    async def settle_heap(_app: Sanic, _loop) -> None:
        heap.settle()

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
