"""The REST channel (`/webhooks/rest/webhook`) with the message contract and polite bad-input handling.

Each bot message keeps text, buttons and the typed `custom` object together (Rasa's own
collector splits them). Malformed requests get a 400 with a JSON error; odd but well-formed
messages (empty, huge, binary junk) get a polite answer and lose nothing."""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import heap
from bot.channels.inbound import Inbound, MessageProblem, contract_message

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128


class ContractCollector(CollectingOutputChannel):
    """Collects one dict per bot message: {recipient_id, text, buttons?, custom?}."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        shaped = contract_message(recipient_id, message)
        if shaped:
            self.messages.append(shaped)


def _error(code: str, message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status)


class RestInput(InputChannel):
    """Registered in credentials.yml as `bot.channels.rest.RestInput`."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self) -> None:
        self.inbound = Inbound()

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> RestInput:
        return cls()

    @staticmethod
    def _extract_body(request: Request) -> Dict[str, Any]:
        try:
            body = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            raise MessageProblem("invalid_json", "the request body must be a JSON object") from None
        if not isinstance(body, dict):
            raise MessageProblem("invalid_json", "the request body must be a JSON object")
        return body

    @staticmethod
    def _extract_sender(body: Dict[str, Any]) -> str:
        sender = body.get("sender")
        if isinstance(sender, (int, float)) and not isinstance(sender, bool):
            sender = str(sender)
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
            raise MessageProblem(
                "invalid_sender", f"`sender` must be a non-empty string of at most {MAX_SENDER_CHARS} characters"
            )
        return sender.strip()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.listener("after_server_start")
        async def settle_heap(_app: Any, _loop: Any) -> None:
            # Rasa loads the model before the server starts; from here on the heap is per-turn.
            heap.settle()

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            if agent is not None and agent.domain is not None:
                self.inbound.learn_intents(agent.domain.intents)
            try:
                body = self._extract_body(request)
                sender = self._extract_sender(body)
                text, truncated = self.inbound.text_of(body.get("message", ""))
            except MessageProblem as problem:
                return _error(problem.code, str(problem))
            metadata = self.inbound.metadata_of(body.get("metadata"), request.headers.get("authorization", ""))
            collector = ContractCollector()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
            except Exception:  # noqa: BLE001 - a citizen never sees a traceback
                logger.exception("message handling failed for a conversation")
                return response.json([{"recipient_id": sender, "text": self.inbound.notice("default")}])
            messages = collector.messages
            if truncated:
                messages = [{"recipient_id": sender, "text": self.inbound.notice("message_truncated")}] + messages
            return response.json(messages)

        return hook
