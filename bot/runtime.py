"""The action server's shared services, built once per process from settings."""

from __future__ import annotations

import logging
from typing import Optional

from bot.catalogue import load_catalogue
from bot.db import open_database
from bot.dialogue.delivery import Delivery
from bot.dialogue.handler import Dialogue
from bot.dialogue.services import Services
from bot.dialogue.store import ConversationStore
from bot.engine.engine import Engine
from bot.engine.routing_examples import load_routing_examples
from bot.identity.provider import IdentityUnavailable, provider_from_settings
from bot.ratings import RatingStore
from bot.sealing import Sealer
from bot.settings import Settings, get_settings

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


def build_engine(settings: Settings) -> Engine:
    engine = Engine(load_catalogue(settings.rules_dir, settings.cache_dir),
                    load_routing_examples(settings.data_dir / "nlu" / "bundles"))
    engine.prepare_routing()
    return engine


def build_dialogue(settings: Optional[Settings] = None, handoff=None) -> Dialogue:
    settings = settings or get_settings()
    db = open_database(settings.db_url)
    services = Services(
        engine=build_engine(settings),
        identity=_SafeIdentity(provider_from_settings(settings)),
        handoff=handoff,
        ratings=RatingStore(db),
    )
    return Dialogue(services, ConversationStore(db, Sealer.from_settings(settings)), settings.session_ttl_s)


def delivery(dialogue: Dialogue, settings: Optional[Settings] = None) -> Delivery:
    from bot.channels.socket_queue import push_adapters

    settings = settings or get_settings()
    # With a Redis queue, socket.io clients get pushed messages on whichever Rasa server they are.
    return Delivery(dialogue.store, push_adapters(settings.redis_url))


def install(dialogue: Dialogue) -> None:
    global _dialogue
    _dialogue = dialogue


def dialogue() -> Dialogue:
    global _dialogue
    if _dialogue is None:
        _dialogue = build_dialogue()
    return _dialogue
