"""The REST channel (`/webhooks/rest/webhook`) with the message contract, session credentials and
polite bad-input handling.

`POST /webhooks/rest/session` gives a conversation its session token (and a new one later: to
sign in or out mid-conversation, or after the token expired). Every message then carries the
token (`Authorization: Bearer …`): a conversation is acted on only with its own token, and who
is signed in comes from the token. Each bot message keeps text, buttons and the typed `custom`
object together (Rasa's own collector splits them). Malformed requests get a 4xx with a JSON
error and never an echo; odd but well-formed messages (empty, huge, binary junk) get a polite
answer and lose nothing."""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.lock_store import LockError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import heap, stop_signals
from bot.channels.inbound import CHANNELS, Inbound, MessageProblem, contract_message
from bot.identity.provider import IdentityUnavailable, provider_from_settings
from bot.json_body import BodyProblem, parse_json_object
from bot.sessions import SessionProblem, Sessions, bearer
from bot.settings import get_settings

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
# The client's id for one message, the same on every retry of it: the dialogue answers a message
# it has just answered with the same reply instead of taking it twice (bot/dialogue/handler.py).
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Without one, a proxy's id of the request (nginx's $request_id), kept when it retries the request
# on another Rasa server, serves the same purpose for that retry.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SESSION_STATUS = {"session_required": 401, "session_invalid": 401, "session_expired": 401, "session_mismatch": 403}
_SESSION_TEXT = {
    "session_required": "a session token is required (POST /webhooks/rest/session)",
    "session_invalid": "the session token is not valid",
    "session_expired": "the session token has expired; ask /webhooks/rest/session for a new one",
    "session_mismatch": "the session token belongs to another conversation",
}


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


def session_error(problem: SessionProblem) -> HTTPResponse:
    return _error(problem.code, _SESSION_TEXT[problem.code], _SESSION_STATUS[problem.code])


class RestInput(InputChannel):
    """Registered in credentials.yml as `bot.channels.rest.RestInput`."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, sessions: Optional[Sessions] = None, identity: Any = None) -> None:
        self.inbound = Inbound()
        self.sessions = sessions
        self.identity = identity

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> RestInput:
        settings = get_settings()
        return cls(Sessions.from_settings(settings), provider_from_settings(settings))

    @staticmethod
    def _extract_sender(body: Dict[str, Any], default: str) -> str:
        sender = body.get("sender", default)
        if isinstance(sender, (int, float)) and not isinstance(sender, bool):
            sender = str(sender)
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
            raise MessageProblem(
                "invalid_sender", f"`sender` must be a non-empty string of at most {MAX_SENDER_CHARS} characters"
            )
        return sender.strip()

    @staticmethod
    def _extract_message_id(body: Dict[str, Any]) -> Optional[str]:
        message_id = body.get("message_id")
        if message_id is None:
            return None
        if not isinstance(message_id, str) or not _MESSAGE_ID.match(message_id):
            raise MessageProblem("invalid_message_id", "`message_id` must be 8 to 64 letters, digits, '-' or '_'")
        return message_id

    async def _identity_for(self, token: Any) -> Optional[str]:
        """A sign-in the identity provider vouches for, or a ValueError."""
        if token in (None, ""):
            return None
        if not isinstance(token, str) or len(token) > 256 or self.identity is None:
            raise ValueError("unknown identity")
        if await self.identity.lookup(token) is None:
            raise ValueError("unknown identity")
        return token

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        stop_signals.stop_on_signals(hook)  # early: a signal while Rasa loads the model is kept

        @hook.listener("after_server_start")
        async def settle_heap(_app: Any, loop: Any) -> None:
            # Rasa loads the model before the server starts; from here on the heap is per-turn.
            heap.settle_once_serving(loop)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/session", methods=["POST"])
        async def session(request: Request) -> HTTPResponse:
            """{identity_token?, session_token?, channel?} → {conversation_id, session_token, expires_at}.
            With a session token (even an expired one, within a week): the same conversation,
            signed in as `identity_token` (signed out when it is empty; as before when absent)."""
            try:
                body = parse_json_object(request.body or b"{}")
                previous = self.sessions.verify(body["session_token"], allow_expired=True) \
                    if body.get("session_token") else None
                if "identity_token" in body or previous is None:
                    identity = await self._identity_for(body.get("identity_token"))
                else:  # a renewal: whoever was signed in stays signed in
                    identity = previous.identity_token
            except BodyProblem as problem:
                return _error(problem.code, str(problem), problem.status)
            except SessionProblem as problem:
                return session_error(problem)
            except ValueError:
                return _error("unknown_identity", "the identity provider does not know this sign-in")
            except IdentityUnavailable:
                return _error("identity_unavailable", "sign-in is unavailable right now; try again", 503)
            channel = body.get("channel") if body.get("channel") in CHANNELS else "web"
            issued, token = self.sessions.issue(previous.conversation_id if previous else None, identity,
                                                previous.channel if previous else channel)
            return response.json({"conversation_id": issued.conversation_id, "session_token": token,
                                  "expires_at": int(issued.expires_at), "signed_in": bool(identity)})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            if agent is not None and agent.domain is not None:
                self.inbound.learn_intents(agent.domain.intents)
            try:
                granted = self.sessions.verify(bearer(request.headers.get("authorization", "")))
                body = parse_json_object(request.body or b"")
                sender = self._extract_sender(body, granted.conversation_id)
                if sender != granted.conversation_id:
                    raise SessionProblem("session_mismatch")
                text, truncated = self.inbound.text_of(body.get("message", ""))
                message_id = self._extract_message_id(body)
            except SessionProblem as problem:
                return session_error(problem)
            except BodyProblem as problem:
                return _error(problem.code, str(problem), problem.status)
            except MessageProblem as problem:
                return _error(problem.code, str(problem))
            metadata = self.inbound.metadata_of(body.get("metadata"), granted)
            collector = ContractCollector()
            request_id = request.headers.get("x-request-id") or ""
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata,
                                                 message_id=message_id or (
                                                     request_id if _REQUEST_ID.match(request_id) else None)))
            except LockError:
                # The conversation lock (Redis) is unreachable: nothing ran, nothing was saved.
                logger.warning("conversation lock unavailable; the person is asked to try again")
                return response.json([{"recipient_id": sender, "text": self.inbound.notice("try_again_later")}])
            except Exception:  # noqa: BLE001 - a citizen never sees a traceback
                logger.exception("message handling failed for a conversation")
                return response.json([{"recipient_id": sender, "text": self.inbound.notice("default")}])
            messages = collector.messages
            if truncated:
                messages = [{"recipient_id": sender, "text": self.inbound.notice("message_truncated")}] + messages
            return response.json(messages)

        return hook
