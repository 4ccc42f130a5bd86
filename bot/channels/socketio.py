"""The socket.io channel with the message contract: each bot message is one `bot_uttered`
event carrying text, buttons and custom together (Rasa's own socket.io output splits them and
cannot send a custom object that has a `type`).

Events: the client emits `session_request` {session_token} (from POST /webhooks/rest/session)
and then `user_uttered` {message, metadata}; the server answers `session_confirm` with the
conversation id, `session_error` {error} for a missing or wrong token, and `bot_uttered`.
A socket acts only on the conversation its verified token names.
Clients use the long-polling transport (the default of socket.io clients): engine.io's
websocket transport does not work on Sanic 21.12 as Rasa pins it (the server closes the socket
after the handshake), and long-polling needs every poll of a session to reach the same Rasa
server process: one Sanic worker per server, and with several servers a proxy that keeps a
client on one of them (the cluster's nginx: ip_hash on /socket.io/). With BOT_REDIS_URL the
server shares python-socketio's message queue on Redis (bot/channels/socket_queue.py), so that
messages pushed from another process reach the socket wherever it is held."""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint
from rasa.core.lock_store import LockError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.inbound import Inbound, MessageProblem, contract_message
from bot.channels.socket_queue import server_manager
from bot.json_body import MAX_BYTES, SafeJson
from bot.sessions import Session, SessionProblem, Sessions
from bot.settings import get_settings

logger = logging.getLogger(__name__)


class ContractSocketOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, sio: AsyncServer, event: str, room: str) -> None:
        self.sio, self.event, self.room = sio, event, room

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        shaped = contract_message(recipient_id, message)
        if shaped:
            await self.sio.emit(self.event, shaped, room=self.room)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class SocketIOInput(InputChannel):
    """Registered in credentials.yml as `bot.channels.socketio.SocketIOInput`."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> SocketIOInput:
        credentials = credentials or {}
        settings = get_settings()
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            sessions=Sessions.from_settings(settings),
            origins=settings.allowed_origins,
            redis_url=settings.redis_url,
        )

    def __init__(self, user_message_evt: str = "user_uttered", bot_message_evt: str = "bot_uttered",
                 socketio_path: str = "/socket.io", sessions: Optional[Sessions] = None,
                 origins: Optional[List[str]] = None, redis_url: str = "") -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.inbound = Inbound()
        self.sessions = sessions
        self.origins = origins or []
        self.redis_url = redis_url
        self.sio: Optional[AsyncServer] = None
        self._granted: Dict[str, Session] = {}  # socket id → its verified session

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Bounded packets, bounded JSON (bot/json_body.py), only the configured origins.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.origins, json=SafeJson,
                          max_http_buffer_size=MAX_BYTES, client_manager=server_manager(self.redis_url))
        hook = SocketBlueprint(sio, self.socketio_path, "socketio_contract_webhook", __name__)
        self.sio = sio

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request")
        async def session_request(sid: str, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            try:
                granted = self.sessions.verify(data.get("session_token"))
            except SessionProblem as problem:
                await sio.emit("session_error", {"error": problem.code}, room=sid)
                return
            self._granted[sid] = granted
            joined = sio.enter_room(sid, granted.conversation_id)
            if inspect.isawaitable(joined):  # a coroutine since python-socketio 5.x
                await joined
            await sio.emit("session_confirm", granted.conversation_id, room=sid)

        @sio.on("disconnect")
        async def disconnect(sid: str) -> None:
            self._granted.pop(sid, None)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            granted = self._granted.get(sid)
            if granted is None:
                await sio.emit("session_error", {"error": "session_required"}, room=sid)
                return
            session_id = granted.conversation_id
            try:
                text, truncated = self.inbound.text_of(data.get("message", ""))
            except MessageProblem:
                text, truncated = self.inbound.text_of("")
            output = ContractSocketOutput(sio, self.bot_message_evt, session_id)
            if truncated:
                await output.send_text_message(session_id, self.inbound.notice("message_truncated"))
            metadata = self.inbound.metadata_of(data.get("metadata"), granted)
            try:
                await on_new_message(UserMessage(text, output, session_id, input_channel=self.name(),
                                                 metadata=metadata))
            except LockError:
                logger.warning("conversation lock unavailable; the person is asked to try again")
                await output.send_text_message(session_id, self.inbound.notice("try_again_later"))
            except Exception:  # noqa: BLE001 - a citizen never sees a traceback
                logger.exception("message handling failed for a conversation")
                await output.send_text_message(session_id, self.inbound.notice("default"))

        return hook
