"""Facts: what is known about the person before any question (identity, e-licences, today)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, Mapping, Optional

from bot import clock


@dataclass(frozen=True)
class Facts:
    """`values` feed conditions; `identity` and `licences` feed form prefill."""

    values: Mapping[str, Any] = field(default_factory=dict)
    identity: Mapping[str, Any] = field(default_factory=dict)
    licences: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    today: date = field(default_factory=clock.today)

    @property
    def logged_in(self) -> bool:
        return bool(self.values.get("logged_in"))

    def holds(self, licence_type: str) -> bool:
        return licence_type in self.licences


def anonymous(today: Optional[date] = None) -> Facts:
    """An anonymous person: no prefill, no exemptions."""
    return Facts(values={"logged_in": False, "e_licences": []}, today=today or clock.today())


def facts_from_profile(
    identity: Mapping[str, Any],
    licences: Mapping[str, Mapping[str, Any]],
    city: str,
    today: Optional[date] = None,
) -> Facts:
    """Derive condition facts from an identity profile and the e-licences held for it."""
    today = today or clock.today()
    values: Dict[str, Any] = {
        "logged_in": True,
        "applicant_kind": identity.get("kind", "person"),
        "e_licences": sorted(licences),
    }
    birth = identity.get("birth_date")
    if isinstance(birth, str):
        try:
            birth = date.fromisoformat(birth)
        except ValueError:
            birth = None
    if isinstance(birth, date):
        years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        values["age"] = years
    gender = identity.get("gender")
    if gender in ("male", "female"):
        values["gender"] = gender
    hukou_city = identity.get("hukou_city")
    if hukou_city:
        values["hukou_local"] = _same_city(str(hukou_city), city)
    return Facts(values=values, identity=dict(identity), licences=dict(licences), today=today)


def _same_city(a: str, b: str) -> bool:
    strip = lambda s: s.strip().removesuffix("市")  # noqa: E731 - 济南 and 济南市 are one city
    return strip(a) == strip(b)
