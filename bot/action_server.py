"""`python -m bot.action_server`: Rasa's action server with the dialogue and the outbox worker."""

from __future__ import annotations

import logging
from functools import partial

from rasa_sdk.endpoint import create_app
from sanic import Sanic

from bot import heap, runtime
from bot.dialogue.announcements import announce_delivered
from bot.handoff import HandoffClient, OutboxWorker
from bot.privacy import configure_logging
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def build_app(settings: Settings) -> Sanic:
    app = create_app("actions", cors_origins=[])

    @app.before_server_start
    async def start_services(app: Sanic, _loop) -> None:
        # The aiohttp session inside the client belongs to this event loop.
        client = HandoffClient.from_settings(settings)
        dialogue = runtime.build_dialogue(settings, handoff=client)
        runtime.install(dialogue)
        delivery = runtime.delivery(dialogue)
        app.ctx.handoff = client
        app.ctx.worker = OutboxWorker(
            client, announce=partial(announce_delivered, delivery, dialogue.services.engine.catalogue.messages)
        )
        await app.ctx.worker.start()
        logger.info("action server ready: %d bundles", len(dialogue.services.engine.catalogue.bundles))

    @app.after_server_start
    async def settle_heap(_app: Sanic, _loop) -> None:
        heap.settle()

    @app.after_server_stop
    async def stop_services(app: Sanic, _loop) -> None:
        await app.ctx.worker.stop()
        await app.ctx.handoff.close()

    return app


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    app = build_app(settings)
    app.run(host=settings.host, port=settings.action_port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
