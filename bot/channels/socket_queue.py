"""The socket.io message queue on Redis: what lets a message reach a socket.io client whichever
Rasa server holds its socket.

Every Rasa server's socket.io channel uses python-socketio's AsyncRedisManager when BOT_REDIS_URL
is set; messages pushed outside a reply (bot/dialogue/delivery.py, from an action server) are
emitted through the same queue to the conversation's room, and the server holding a socket in
that room sends them. Without Redis (the embedded default: one Rasa server) nothing is queued."""

from __future__ import annotations

import logging
from typing import Dict, List, Optional

from socketio import AsyncRedisManager

from bot.channels.inbound import contract_message
from bot.dialogue.store import Line
from bot.json_body import SafeJson

logger = logging.getLogger(__name__)

QUEUE = "yjs-socketio"  # the Redis pub/sub channel: the same in every process
EVENT = "bot_uttered"
SOCKET_CHANNELS = ("web", "rest")


def server_manager(redis_url: str) -> Optional[AsyncRedisManager]:
    """The client manager for a Rasa server's socket.io server, or None without Redis."""
    return AsyncRedisManager(redis_url, channel=QUEUE) if redis_url else None


class SocketPush:
    """A delivery adapter (bot/dialogue/delivery.py): pushed lines to the conversation's sockets."""

    def __init__(self, redis_url: str, event: str = EVENT) -> None:
        self.event = event
        self.manager = AsyncRedisManager(redis_url, channel=QUEUE, write_only=True, json=SafeJson)

    async def send(self, conversation_id: str, lines: List[Line]) -> None:
        for line in lines:
            shaped = contract_message(conversation_id, {"text": line.text, **(line.data or {})})
            if shaped:
                # A queue that is down loses the live copy only: the line is in the transcript.
                await self.manager.emit(self.event, shaped, room=conversation_id, namespace="/")


def push_adapters(redis_url: str) -> Dict[str, SocketPush]:
    """Adapters for the channels socket.io clients name (the web widget's), when there is a
    queue. Their pushed lines are in the transcript as well: the portal's stream serves them."""
    if not redis_url:
        return {}
    push = SocketPush(redis_url)
    return {channel: push for channel in SOCKET_CHANNELS}
