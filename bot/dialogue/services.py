"""What a conversation needs from the outside: the engine, identity, hand-off, ratings and the desk."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, Optional, Protocol, Tuple

from bot.engine.engine import Engine
from bot.engine.facts import Facts, anonymous, facts_from_profile
from bot.identity.model import Identity

IDENTITY_TTL_S = 300.0


class IdentityPort(Protocol):
    async def lookup(self, token: Optional[str]) -> Optional[Identity]: ...


class HandoffPort(Protocol):
    """The application API client (bot/handoff): submit once, ask for status later."""

    async def submit(self, draft: Any) -> Any: ...

    async def status(self, reference: str) -> Any: ...

    async def earlier(self, bundle_id: str, id_number: Optional[str]) -> Any:
        """The same person's receipt for the same bundle in the last day, or None."""


class RatingPort(Protocol):
    async def record(
        self,
        conversation_id: str,
        bundle_id: Optional[str],
        receipt_no: Optional[str],
        stars: Optional[int],
        comment: Optional[str],
    ) -> None: ...


def profile_of(identity: Identity) -> Tuple[Dict[str, Any], Dict[str, Dict[str, Any]]]:
    """Identity attributes and e-licence fields as the engine's prefill sources read them."""
    data = identity.dict(exclude={"e_licences"})
    if identity.kind == "enterprise":
        data["enterprise_name"] = identity.name
    profile = {k: v for k, v in data.items() if v not in (None, "")}
    licences = {
        lic.type_id: {**lic.fields, "certificate_number": lic.fields.get("certificate_number") or lic.licence_number}
        for lic in identity.e_licences
    }
    return profile, licences


class DeskPort(Protocol):
    """The agent desk's queue (bot/desk/queue.py): who can answer, a place in the queue, a call back."""

    async def availability(self) -> Any: ...

    async def enqueue(self, conversation_id: str, channel: str, reason: str) -> Any: ...

    async def place(self, conversation_id: str) -> Any: ...

    async def leave(self, conversation_id: str) -> None: ...

    async def request_callback(self, conversation_id: str, phone: str, subject: str) -> Any: ...

    def local(self, epoch: float) -> Any: ...


@dataclass
class Services:
    engine: Engine
    identity: IdentityPort
    handoff: Optional[HandoffPort] = None
    ratings: Optional[RatingPort] = None
    desk: Optional[DeskPort] = None
    _cache: Dict[str, Tuple[float, Optional[Identity]]] = field(default_factory=dict)

    async def who(self, token: Optional[str]) -> Optional[Identity]:
        """The signed-in person for a channel's identity token; None when anonymous."""
        if not token:
            return None
        hit = self._cache.get(token)
        now = time.monotonic()
        if hit and now - hit[0] < IDENTITY_TTL_S:
            return hit[1]
        identity = await self.identity.lookup(token)
        self._cache[token] = (now, identity)
        return identity

    async def facts(self, token: Optional[str], today: Optional[date] = None) -> Facts:
        identity = await self.who(token)
        if identity is None:
            return anonymous(today)
        profile, licences = profile_of(identity)
        return facts_from_profile(profile, licences, self.engine.catalogue.city, today)
