"""The action server's shared services, built once per process from settings."""

from __future__ import annotations

import logging
from typing import Optional

from bot.dialogue.services import Services
from bot.engine.live import LiveEngine
from bot.identity.provider import IdentityUnavailable, provider_from_settings
from bot.ratings import RatingStore
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)
_services: Optional[Services] = None


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


def build_services(settings: Optional[Settings] = None, handoff=None) -> Services:
    settings = settings or get_settings()
    return Services(
        # Rules edits go live while the server runs (bot/engine/live.py); the engine behind it is
        # swapped whole, so nothing here holds on to a catalogue.
        engine=LiveEngine.from_settings(settings, "action_server").start(),
        identity=_SafeIdentity(provider_from_settings(settings)),
        handoff=handoff,
        ratings=RatingStore(settings.var_dir / "ratings.db"),
    )


def install(services: Services) -> None:
    global _services
    _services = services


def services() -> Services:
    global _services
    if _services is None:
        _services = build_services()
    return _services
