"""The one custom action: hand the person's message to the dialogue and send what it says."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import runtime
from bot.dialogue.turn import Incoming


def incoming_of(tracker: Tracker) -> Incoming:
    latest = tracker.latest_message or {}
    metadata = latest.get("metadata") or {}
    intent = latest.get("intent") or {}
    return Incoming(
        text=latest.get("text") or "",
        intent=intent.get("name"),
        confidence=intent.get("confidence"),
        entities=list(latest.get("entities") or []),
        sender_id=tracker.sender_id,
        identity_token=metadata.get("identity_token"),
        channel=metadata.get("channel") or tracker.get_latest_input_channel() or "rest",
        message_id=latest.get("message_id"),
    )


class ActionTurn(Action):
    """Rasa's rules send every intent here; the dialogue's table decides what it means."""

    def name(self) -> str:
        return "action_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        turn = await runtime.dialogue().handle(incoming_of(tracker))
        for say in turn.says:
            dispatcher.utter_message(text=say.text, buttons=say.buttons or None, json_message=say.custom)
        return []
