"""The desk inside the portal: one `install(app)` adds its blueprints, builds `app.ctx.desk` and
starts what it needs with the server (the dialogue it drives, delivery, SMS, the janitor)."""

from __future__ import annotations

from sanic import Sanic

from bot import runtime
from bot.db import open_database
from bot.desk.api import bp as desk_api
from bot.desk.desk import Desk
from bot.desk.pages import bp as desk_pages
from bot.desk.rules import desk_rules
from bot.handoff import HandoffClient
from bot.settings import Settings
from bot.sms import gateway_from_settings
from bot.sms.standin import bp as sms_standin


def install(app: Sanic, settings: Settings) -> None:
    engine = app.ctx.engine
    app.ctx.desk = Desk(settings, open_database(settings.db_url), desk_rules(settings.rules_dir),
                        engine.catalogue.messages)
    app.blueprint(desk_pages)
    app.blueprint(desk_api)
    if settings.profile == "embedded":
        app.blueprint(sms_standin)  # the local stand-in gateway; production sends to BOT_SMS_URL

    @app.before_server_start
    async def start_desk(app: Sanic, _loop) -> None:
        desk: Desk = app.ctx.desk
        client = HandoffClient.from_settings(settings)
        desk.dialogue = runtime.build_dialogue(settings, handoff=client, engine=engine)
        desk.delivery = runtime.delivery(desk.dialogue)
        desk.sms = gateway_from_settings(settings)
        desk.presence = app.ctx.push_hub.presence
        app.ctx.desk_handoff = client
        await desk.start()

    @app.after_server_stop
    async def stop_desk(app: Sanic, _loop) -> None:
        await app.ctx.desk.stop()
        await app.ctx.desk_handoff.close()
        await app.ctx.desk.sms.close()
