"""What a production deployment may not start with: missing or sample secrets, demo sign-ins.
Every service checks at start-up and stops with one line naming the problem."""

from __future__ import annotations

from typing import List

from bot.secrets import SecretsError, with_secrets
from bot.settings import Settings


class ProfileError(RuntimeError):
    pass


def problems(settings: Settings) -> List[str]:
    if settings.profile != "production":
        return []
    found: List[str] = []
    try:
        with_secrets(settings)
    except SecretsError as error:
        found.append(str(error))
    if settings.identity_provider == "demo":
        found.append("production cannot use the demo identity provider (set BOT_IDENTITY_PROVIDER=http)")
    return found


def checked(settings: Settings) -> Settings:
    """`settings` with its secrets, or a ProfileError saying everything that is wrong."""
    found = problems(settings)
    if found:
        raise ProfileError("; ".join(found))
    return with_secrets(settings)


def settings_or_exit() -> Settings:
    """For a process's main(): the settings, or one line on stderr and exit status 1."""
    import sys

    from bot.settings import get_settings

    try:
        return get_settings()
    except ProfileError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
