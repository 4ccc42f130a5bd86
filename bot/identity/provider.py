"""The identity provider interface and the choice of provider from settings."""

from __future__ import annotations

from typing import Optional, Protocol, runtime_checkable

from bot.identity.model import Identity
from bot.settings import Settings, get_settings


class IdentityUnavailable(RuntimeError):
    """The identity service could not answer (down, misconfigured): not the same as anonymous."""


@runtime_checkable
class IdentityProvider(Protocol):
    async def lookup(self, token: Optional[str]) -> Optional[Identity]:
        """The identity behind a login token; None for anonymous users and unknown tokens."""
        ...


def provider_from_settings(settings: Optional[Settings] = None) -> IdentityProvider:
    """BOT_IDENTITY_PROVIDER=demo reads the fixture file; =http calls BOT_IDENTITY_URL."""
    settings = settings or get_settings()
    if settings.identity_provider == "demo":
        from bot.identity.demo import DemoIdentityProvider

        return DemoIdentityProvider.from_file()
    if settings.identity_provider == "http":
        if not settings.identity_url:
            raise ValueError("BOT_IDENTITY_PROVIDER=http needs BOT_IDENTITY_URL")
        from bot.identity.http_adapter import HttpIdentityProvider

        return HttpIdentityProvider(settings.identity_url, settings.identity_token)
    raise ValueError(f"unknown BOT_IDENTITY_PROVIDER {settings.identity_provider!r}")
