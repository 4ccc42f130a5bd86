"""The demo identity provider: fictional residents and enterprises from demo_people.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Optional

import yaml

from bot.identity.model import Identity

DEMO_PEOPLE = Path(__file__).with_name("demo_people.yml")


class DemoIdentityProvider:
    """Looks demo login tokens such as "demo-zhang-wei" up in the fixture file."""

    def __init__(self, people: Dict[str, Identity]):
        self._people = dict(people)

    @classmethod
    def from_file(cls, path: Path = DEMO_PEOPLE) -> DemoIdentityProvider:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        people = {}
        for entry in data["people"]:
            token = entry.pop("token")
            people[token] = Identity.parse_obj(entry)
        return cls(people)

    @property
    def tokens(self) -> Iterable[str]:
        return self._people.keys()

    def get(self, token: Optional[str]) -> Optional[Identity]:
        identity = self._people.get(token) if token else None
        # A copy, so that a caller editing its record cannot change the fixture for others.
        return identity.copy(deep=True) if identity else None

    async def lookup(self, token: Optional[str]) -> Optional[Identity]:
        return self.get(token)
