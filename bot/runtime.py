"""The action server's shared services, built once per process from settings."""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from bot.db import open_database
from bot.desk.queue import DeskQueue
from bot.desk.rules import desk_rules
from bot.dialogue.delivery import Delivery
from bot.dialogue.handler import Dialogue
from bot.dialogue.services import Services
from bot.dialogue.store import ConversationStore
from bot.engine.live import LiveEngine
from bot.identity.provider import IdentityUnavailable, provider_from_settings
from bot.ratings import RatingStore
from bot.sealing import Sealer
from bot.settings import Settings, get_settings
from bot.wechat.delivery import WeChatDelivery
from bot.wechat.service import build_wechat

logger = logging.getLogger(__name__)
_dialogue: Optional[Dialogue] = None


class _SafeIdentity:
    """An identity service that is down means anonymous, not a failed conversation."""

    def __init__(self, provider) -> None:
        self.provider = provider

    async def lookup(self, token):
        try:
            return await self.provider.lookup(token)
        except IdentityUnavailable:
            logger.warning("identity service unavailable; continuing anonymously")
            return None


def build_dialogue(settings: Optional[Settings] = None, handoff=None, engine: Optional[Any] = None) -> Dialogue:
    """`engine`: a process that already keeps a (live) engine — the portal, for the desk — shares it."""
    settings = settings or get_settings()
    db = open_database(settings.db_url)
    services = Services(
        # Rules edits go live while the server runs (bot/engine/live.py); the engine behind it is
        # swapped whole, and each turn works on the one it started with (bot/dialogue/context.py).
        engine=engine or LiveEngine.from_settings(settings, "action_server").start(),
        identity=_SafeIdentity(provider_from_settings(settings)),
        handoff=handoff,
        ratings=RatingStore(db),
        desk=DeskQueue(db, desk_rules(settings.rules_dir), settings.desk_agent_timeout_s),
    )
    return Dialogue(services, ConversationStore(db, Sealer.from_settings(settings)), settings.session_ttl_s)


def delivery(dialogue: Dialogue, settings: Optional[Settings] = None) -> Delivery:
    from bot.channels.socket_queue import push_adapters

    settings = settings or get_settings()
    # With a Redis queue, socket.io clients get pushed messages on whichever Rasa server they are.
    adapters: Dict[str, Any] = dict(push_adapters(settings.redis_url))
    wechat = build_wechat(db=dialogue.store.db, sealer=dialogue.store.sealer)  # None when WeChat is off
    if wechat:
        adapters["wechat"] = WeChatDelivery(wechat)
    return Delivery(dialogue.store, adapters)


def install(dialogue: Dialogue) -> None:
    global _dialogue
    _dialogue = dialogue


def dialogue() -> Dialogue:
    global _dialogue
    if _dialogue is None:
        _dialogue = build_dialogue()
    return _dialogue
