"""The REST channel (`/webhooks/rest/webhook`) with the message contract and polite bad-input handling.

Each bot message keeps text, buttons and the typed `custom` object together (Rasa's own
collector splits them). Malformed requests get a 400 with a JSON error; odd but well-formed
messages (empty, huge, binary junk) get a polite answer and lose nothing."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_speedups
from bot.catalogue.loader import load_messages
from bot.catalogue.problems import CatalogueError
from bot.settings import get_settings

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 500
MAX_SENDER_CHARS = 128
_PAYLOAD = re.compile(r"^/([a-z_]+)(\{.*\})?$", re.DOTALL)
CHANNELS = ("web", "wechat", "agent", "rest", "shell")


class ContractCollector(CollectingOutputChannel):
    """Collects one dict per bot message: {recipient_id, text, buttons?, custom?}."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        out: Dict[str, Any] = {"recipient_id": recipient_id}
        if message.get("text"):
            out["text"] = message["text"]
        buttons = message.get("buttons") or message.get("quick_replies")
        if buttons:
            out["buttons"] = buttons
        for key in ("custom", "image", "attachment"):
            if message.get(key):
                out[key] = message[key]
        if len(out) > 1:
            self.messages.append(out)


class RequestProblem(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _error(code: str, message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status)


class RestInput(InputChannel):
    """Registered in credentials.yml as `bot.channels.rest.RestInput`."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, known_intents: Optional[List[str]] = None) -> None:
        self.known_intents = set(known_intents or [])
        self._messages: Optional[Dict[str, str]] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> RestInput:
        # Built once by the Rasa server at start: the place to fix its slow internals.
        rasa_speedups.install()
        return cls()

    # -- request parsing ---------------------------------------------------------------------

    @staticmethod
    def _extract_body(request: Request) -> Dict[str, Any]:
        try:
            body = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            raise RequestProblem("invalid_json", "the request body must be a JSON object") from None
        if not isinstance(body, dict):
            raise RequestProblem("invalid_json", "the request body must be a JSON object")
        return body

    @staticmethod
    def _extract_sender(body: Dict[str, Any]) -> str:
        sender = body.get("sender")
        if isinstance(sender, (int, float)) and not isinstance(sender, bool):
            sender = str(sender)
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
            raise RequestProblem(
                "invalid_sender", f"`sender` must be a non-empty string of at most {MAX_SENDER_CHARS} characters"
            )
        return sender.strip()

    def _extract_message(self, body: Dict[str, Any]) -> tuple[str, bool]:
        """The text to hand to Rasa, and whether it was cut short."""
        message = body.get("message", "")
        if message is None:
            message = ""
        if isinstance(message, (int, float)) and not isinstance(message, bool):
            message = str(message)
        if not isinstance(message, str):
            raise RequestProblem("invalid_message", "`message` must be a string")
        text = message.strip()
        if not text or not any(ch.isprintable() and not ch.isspace() for ch in text):
            return "/empty_message", False
        if text.startswith("/"):
            text = self._checked_payload(text)
        truncated = len(text) > MAX_MESSAGE_CHARS
        return (text[:MAX_MESSAGE_CHARS] if truncated else text), truncated

    def _checked_payload(self, text: str) -> str:
        """Button payloads pass; anything else that starts with "/" is just text."""
        match = _PAYLOAD.match(text)
        if match and (not self.known_intents or match.group(1) in self.known_intents):
            if match.group(2) is None:
                return text
            try:
                if isinstance(json.loads(match.group(2)), dict):
                    return text
            except ValueError:
                pass
        return text.lstrip("/").strip() or "/empty_message"

    @staticmethod
    def _extract_metadata(request: Request, body: Dict[str, Any]) -> Dict[str, Any]:
        metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        out: Dict[str, Any] = {}
        token = metadata.get("identity_token")
        auth = request.headers.get("authorization", "")
        if not token and auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        if isinstance(token, str) and token:
            out["identity_token"] = token[:256]
        channel = metadata.get("channel")
        out["channel"] = channel if channel in CHANNELS else "rest"
        return out

    # -- routes ----------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = self._extract_body(request)
                sender = self._extract_sender(body)
                text, truncated = self._extract_message(body)
            except RequestProblem as problem:
                return _error(problem.code, str(problem))
            metadata = self._extract_metadata(request, body)
            self._learn_intents(request)
            collector = ContractCollector()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
            except Exception:  # noqa: BLE001 - a citizen never sees a traceback
                logger.exception("message handling failed for a conversation")
                return response.json([{"recipient_id": sender, "text": self._message("default")}])
            messages = collector.messages
            if truncated:
                notice = self._message("message_truncated")
                if notice:
                    messages = [{"recipient_id": sender, "text": notice}] + messages
            return response.json(messages)

        return hook

    def _message(self, key: str) -> str:
        if self._messages is None:
            try:
                self._messages = load_messages(get_settings().rules_dir)
            except CatalogueError:
                logger.exception("rules/messages.yml cannot be read")
                self._messages = {}
        return self._messages.get(key, "")

    def _learn_intents(self, request: Request) -> None:
        if self.known_intents:
            return
        agent = getattr(request.app.ctx, "agent", None)
        domain = getattr(agent, "domain", None)
        if domain is not None:
            self.known_intents = set(domain.intents)
