"""Personal data at rest: values sealed with Fernet under the installation's data keys
(BOT_DATA_KEYS, comma-separated). The first key seals; every key opens, so a new key can be put
first and old values resealed at leisure (`python -m bot privacy rekey`)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Optional, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.settings import Settings

PREFIX = "f1:"  # marks a sealed value (values written before sealing existed read as they are)


class Unreadable(ValueError):
    """A sealed value no configured key opens (a key was removed too early)."""


class Sealer:
    def __init__(self, keys: Sequence[str]) -> None:
        keys = [k.strip() for k in keys if k and k.strip()]
        if not keys:
            raise ValueError("at least one data key is required")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        self._fingerprint_key = hashlib.sha256(b"fingerprint:" + keys[0].encode()).digest()

    @classmethod
    def from_settings(cls, settings: Settings) -> Sealer:
        return cls(settings.data_keys.split(","))

    @classmethod
    def generated(cls) -> Sealer:
        """A sealer with a fresh key of its own (tests, throwaway stores)."""
        return cls([Fernet.generate_key().decode()])

    def seal(self, text: Optional[str]) -> Optional[str]:
        if text is None:
            return None
        return PREFIX + self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, value: Optional[str]) -> Optional[str]:
        if value is None or not value.startswith(PREFIX):
            return value
        try:
            return self._fernet.decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise Unreadable("a sealed value that no configured data key opens") from None

    def fingerprint(self, text: str) -> str:
        """A keyed digest to find the same value again (the same applicant's ID number) without
        keeping it: unlike a plain hash, it cannot be reversed by trying every ID number."""
        return hmac.new(self._fingerprint_key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def reseal(self, value: Optional[str]) -> Optional[str]:
        """Sealed again under the first key (and a plain value sealed for the first time)."""
        if value is None:
            return None
        if not value.startswith(PREFIX):
            return self.seal(value)
        return PREFIX + self._fernet.rotate(value[len(PREFIX):].encode("ascii")).decode("ascii")
