"""What every input channel does the same way: clean the text, read the metadata, shape the
outgoing messages by the contract (docs/message-contract.md)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Dict, Iterable, Optional, Tuple

from bot.catalogue.loader import load_messages
from bot.catalogue.problems import CatalogueError
from bot.sessions import Session
from bot.settings import get_settings

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 500
CHANNELS = ("web", "miniprogram", "wechat", "agent", "rest", "shell")
EMPTY = "/empty_message"
_PAYLOAD = re.compile(r"^/([a-z_]+)(\{.*\})?$", re.DOTALL)


class MessageProblem(ValueError):
    """A request that is not a message at all: the channel answers 400 (or ignores it)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def contract_message(recipient_id: str, message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """One bot message as the contract has it: text, buttons and custom together."""
    out: Dict[str, Any] = {"recipient_id": recipient_id}
    if message.get("text"):
        out["text"] = message["text"]
    buttons = message.get("buttons") or message.get("quick_replies")
    if buttons:
        out["buttons"] = buttons
    for key in ("custom", "image", "attachment"):
        if message.get(key):
            out[key] = message[key]
    return out if len(out) > 1 else None


class Inbound:
    """Per-channel helper; knows the domain's intents once the agent is loaded."""

    def __init__(self) -> None:
        self.known_intents: set = set()
        self._messages: Optional[Dict[str, str]] = None

    def learn_intents(self, intents: Iterable[str]) -> None:
        if not self.known_intents:
            self.known_intents = set(intents)

    def text_of(self, message: Any) -> Tuple[str, bool]:
        """The text to hand to Rasa, and whether it was cut short. Empty, blank or
        unprintable messages become the empty-message intent; numbers become text."""
        if message is None:
            message = ""
        if isinstance(message, (int, float)) and not isinstance(message, bool):
            message = str(message)
        if not isinstance(message, str):
            raise MessageProblem("invalid_message", "`message` must be a string")
        text = message.strip()
        if not text or not any(ch.isprintable() and not ch.isspace() for ch in text):
            return EMPTY, False
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
        return text.lstrip("/").strip() or EMPTY

    @staticmethod
    def metadata_of(metadata: Any, session: Session) -> Dict[str, Any]:
        """Only what the conversation uses: the channel kind the client names, and who is
        signed in — from the verified session, never from what the request claims."""
        metadata = metadata if isinstance(metadata, dict) else {}
        channel = metadata.get("channel")
        out: Dict[str, Any] = {"channel": channel if channel in CHANNELS else "rest"}
        if session.identity_token:
            out["identity_token"] = session.identity_token
        return out

    def notice(self, key: str) -> str:
        """A sentence from rules/messages.yml (the truncation notice, the apology)."""
        if self._messages is None:
            try:
                self._messages = load_messages(get_settings().rules_dir)
            except CatalogueError:
                logger.exception("rules/messages.yml cannot be read")
                self._messages = {}
        return self._messages.get(key, "")
