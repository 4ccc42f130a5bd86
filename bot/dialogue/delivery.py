"""Reaching a person outside a reply (an application delivered later, an agent's words): the
message is recorded in the transcript as pushed, then handed to the adapter of the
conversation's channel. The web widget needs no adapter: it streams pushed lines from the
portal (bot/portal/conversation_stream.py), whichever process wrote them."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Protocol

from bot.dialogue.store import ConversationStore, Line

logger = logging.getLogger(__name__)


class ChannelAdapter(Protocol):
    async def send(self, conversation_id: str, lines: List[Line]) -> None: ...


class Streamed:
    """Channels whose clients read pushed lines from the stream: nothing more to do."""

    async def send(self, conversation_id: str, lines: List[Line]) -> None:
        return None


class Delivery:
    def __init__(self, store: ConversationStore, adapters: Optional[Dict[str, ChannelAdapter]] = None) -> None:
        self.store = store
        self.adapters: Dict[str, ChannelAdapter] = dict(adapters or {})
        self.streamed = Streamed()

    async def push(self, conversation_id: str, messages: List[Dict[str, Any]], speaker: str = "system") -> bool:
        """False when there is no such conversation (nothing was recorded or sent)."""
        lines = await self.store.push(conversation_id, speaker, messages)
        if not lines:
            logger.warning("push to unknown conversation %s dropped", conversation_id[:12])
            return False
        adapter = self.adapters.get(lines[0].channel, self.streamed)
        await adapter.send(conversation_id, lines)
        return True
