"""The one base class: read the state slot, run one conversation step, send, save the state."""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import runtime
from bot.dialogue.controller import Conversation, Incoming, Turn
from bot.dialogue.state import ConversationState

logger = logging.getLogger(__name__)
SLOT = "session"


def incoming_of(tracker: Tracker) -> Incoming:
    latest = tracker.latest_message or {}
    metadata = latest.get("metadata") or {}
    intent = (latest.get("intent") or {}).get("name")
    return Incoming(
        text=latest.get("text") or "",
        intent=intent,
        entities=list(latest.get("entities") or []),
        sender_id=tracker.sender_id,
        identity_token=metadata.get("identity_token"),
        channel=metadata.get("channel") or tracker.get_latest_input_channel() or "rest",
    )


class GuideAction(Action, metaclass=ABCMeta):
    """Subclasses name themselves and pick the Conversation step to run."""

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def step(self, conversation: Conversation) -> Turn: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        state = ConversationState.from_slot(tracker.get_slot(SLOT))
        try:
            conversation = Conversation(runtime.services(), state, incoming_of(tracker))
            turn = await self.step(conversation)
        except Exception:  # noqa: BLE001 - keep the conversation alive and the state unchanged
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(text=runtime.services().engine.catalogue.messages.get("default"))
            return []
        for say in turn.says:
            dispatcher.utter_message(text=say.text, buttons=say.buttons or None, json_message=say.custom)
        return [SlotSet(SLOT, turn.state.to_slot())]
