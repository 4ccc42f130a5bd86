"""`python -m bot.action_server`: the action server — the dialogue behind Rasa's one custom action
(actions/turn.py), the outbox worker and the daily retention job.

Rasa's own `rasa_sdk.endpoint` app runs any action for anyone and answers errors with a 500 that
echoes the request body; this app is the same protocol (`POST /webhook`, `GET /health`) with
the Rasa server's credential required, bounded bodies and JSON errors that echo nothing."""

from __future__ import annotations

import hmac
import logging
import zlib
from functools import partial

from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot import heap, legacy_files, reachable, runtime, stop_signals
from bot.db import open_database
from bot.dialogue.announcements import announce_delivered
from bot.handoff import HandoffClient, OutboxWorker
from bot.json_body import MAX_BYTES, BodyProblem, parse_json_object
from bot.privacy import configure_logging
from bot.profile import settings_or_exit
from bot.retention import RetentionJob
from bot.sealing import Sealer
from bot.settings import Settings

logger = logging.getLogger(__name__)
# A tracker with the domain can be larger than a person's message; still bounded.
MAX_ACTION_CALL_BYTES = 16 * MAX_BYTES


def _error(code: str, status: int) -> HTTPResponse:
    return response.json({"error": code}, status=status)


def build_app(settings: Settings) -> Sanic:
    app = Sanic("actions", configure_logging=False)
    stop_signals.stop_on_signals(app)  # first: a signal while the catalogue loads is kept
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.REQUEST_MAX_SIZE = MAX_ACTION_CALL_BYTES
    executor = ActionExecutor()
    executor.register_package("actions")

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        given = request.args.get("token") or ""
        if not hmac.compare_digest(given.encode(), settings.action_token.encode()):
            return _error("unauthorized", 401)
        try:
            raw = request.body or b""
            if request.headers.get("content-encoding") == "deflate":
                # Bounded inflation: a small bomb must not grow past the limit in memory.
                inflater = zlib.decompressobj()
                raw = inflater.decompress(raw, MAX_ACTION_CALL_BYTES + 1)
            call = parse_json_object(raw, max_bytes=MAX_ACTION_CALL_BYTES, max_depth=64)
        except (BodyProblem, zlib.error):
            return _error("invalid_body", 400)
        if not isinstance(call.get("next_action"), str) or not isinstance(call.get("tracker"), dict):
            return _error("invalid_action_call", 400)
        try:
            return response.json(await executor.run(call))
        except ActionNotFoundException:
            return _error("unknown_action", 404)
        except ActionExecutionRejection:
            # Rasa reads `action_name` from a 400 (rasa/core/actions/action.py).
            return response.json({"error": "action_rejected", "action_name": call["next_action"]}, status=400)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            # A tracker that is not shaped like Rasa's: refused, and nothing of it repeated.
            logger.warning("action call with a malformed tracker refused")
            return _error("invalid_action_call", 400)

    @app.before_server_start
    async def start_services(app: Sanic, _loop) -> None:
        # The aiohttp session inside the client belongs to this event loop.
        client = HandoffClient.from_settings(settings)
        dialogue = runtime.build_dialogue(settings, handoff=client)
        runtime.install(dialogue)
        delivery = runtime.delivery(dialogue, settings)
        app.ctx.handoff = client
        app.ctx.worker = OutboxWorker(
            client, announce=partial(announce_delivered, delivery, dialogue.services.engine.catalogue.messages)
        )
        await app.ctx.worker.start()
        app.ctx.retention = RetentionJob(dialogue.store.db, dialogue.store.sealer, settings.retention_days)
        await app.ctx.retention.start()
        logger.info("action server ready: %d bundles", len(dialogue.services.engine.catalogue.bundles))

    @app.after_server_start
    async def settle_heap(_app: Sanic, loop) -> None:
        heap.settle_once_serving(loop)

    @app.after_server_stop
    async def stop_services(app: Sanic, _loop) -> None:
        await app.ctx.retention.stop()
        await app.ctx.worker.stop()
        await app.ctx.handoff.close()

    return app


def main() -> None:
    settings = settings_or_exit()
    reachable.require(settings, database=True)
    configure_logging(settings.log_level)
    # Before the outbox worker starts: an application an earlier release queued is delivered too.
    legacy_files.move_in(settings.var_dir, open_database(settings.db_url, durable=True), Sealer.from_settings(settings))
    app = build_app(settings)
    stop_signals.run(app, host=settings.host, port=settings.action_port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
