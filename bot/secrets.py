"""Secrets without published defaults: generated once per installation into var/secrets.json
(mode 0600) in the embedded profile; required from the environment in production."""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets as random
from pathlib import Path
from typing import Callable, Dict

from bot.settings import Settings

logger = logging.getLogger(__name__)


def _token() -> str:
    return random.token_urlsafe(32)


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


SECRETS: Dict[str, Callable[[], str]] = {
    "intake_token": _token,
    "action_token": _token,
    "session_key": _token,
    "data_keys": _fernet_key,
    "sms_key": _token,  # what the bot presents to the SMS gateway (bot/sms)
}
# Values that were once published as defaults (or are obviously samples): never accepted.
_SAMPLE_MARKERS = ("change-me", "changeme", "example", "sample", "secret", "password", "test-")


class SecretsError(RuntimeError):
    """A secret is missing or a sample value where a real one is required."""


def looks_like_sample(value: str) -> bool:
    lowered = value.lower()
    return len(value) < 16 or any(marker in lowered for marker in _SAMPLE_MARKERS)


def secrets_path(settings: Settings) -> Path:
    return settings.var_dir / "secrets.json"


def with_secrets(settings: Settings) -> Settings:
    """`settings` with every empty secret filled: from var/secrets.json (created on first use,
    readable by its owner only) in the embedded profile. In production an empty or sample
    secret stops the process with a SecretsError naming the setting."""
    needed = [name for name in SECRETS if name != "sms_key" or settings.sms_url or settings.profile != "production"]
    missing = [name for name in needed if not getattr(settings, name)]
    if settings.profile == "production":
        bad = missing + [name for name in needed if name not in missing
                         and any(looks_like_sample(v) for v in getattr(settings, name).split(","))]
        if bad:
            raise SecretsError("production needs real values for " + ", ".join(f"BOT_{n.upper()}" for n in bad))
        return settings
    if not missing:
        return settings
    stored = _load_or_create(secrets_path(settings))
    return settings.copy(update={name: stored[name] for name in missing})


def _load_or_create(path: Path) -> Dict[str, str]:
    stored: Dict[str, str] = {}
    if path.exists():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise SecretsError(f"{path} cannot be read; remove it to generate new secrets") from None
    if all(stored.get(name) for name in SECRETS):
        return stored  # (an installation from before a secret existed gets it added below)
    for name, make in SECRETS.items():
        stored.setdefault(name, make())
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written with its final mode under another name, then linked in place: never readable by
    # others, and when two processes start at once the first file wins for both.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(stored, handle)
    try:
        if path.exists():
            os.replace(temporary, path)  # an incomplete file: ours completes it
        else:
            os.link(temporary, path)
            logger.info("generated this installation's secrets in %s", path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return json.loads(path.read_text(encoding="utf-8"))
