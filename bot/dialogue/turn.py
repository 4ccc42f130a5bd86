"""One turn of a conversation: what came in (Incoming) and what goes out (Turn of Says)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.dialogue.messages import Say
from bot.dialogue.state import ConversationState


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass
class Turn:
    state: ConversationState
    messages: Dict[str, str] = field(default_factory=dict)
    says: List[Say] = field(default_factory=list)

    def say(
        self,
        key: Optional[str] = None,
        text: Optional[str] = None,
        params: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> Turn:
        """Say the rules message `key` (its {placeholders} filled from params) or `text` as is."""
        if key is not None:
            text = self.messages.get(key, key).format_map(_Blank(params or {}))
        self.says.append(Say(text=text, **kwargs))
        return self


@dataclass
class Incoming:
    """What the person sent this turn, as the channel and NLU saw it. `sender_id` is the
    conversation's id; a button press arrives as `text` "/intent{…}" with exact entities."""

    text: str = ""
    intent: Optional[str] = None
    entities: List[Dict[str, Any]] = field(default_factory=list)
    sender_id: str = ""
    identity_token: Optional[str] = None
    channel: str = "rest"
    confidence: Optional[float] = None
    message_id: Optional[str] = None  # the channel's id of this message: the same one twice is a retry
    # 帮办代办: staff submit for the person: {"agent_id", "consent_method"} (bot/desk)
    proxy: Optional[Dict[str, str]] = None

    def entity(self, name: str) -> Any:
        for entity in self.entities:
            if entity.get("entity") == name:
                return entity.get("value")
        return None
