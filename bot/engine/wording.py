"""How an outcome's counts read to a person: trips, copies per person, places, dates — every
word from rules/vocabulary.yml, shared by the chat, the notice, WeChat and the terminal."""

from __future__ import annotations

from datetime import date
from typing import List

from bot.catalogue.catalogue import Catalogue
from bot.engine.outcome import MaterialLine, SiteVisit


def trips_label(cat: Catalogue, trips: int) -> str:
    """一趟不用跑 / 最多跑一趟 / 需跑 n 个地方: past one, the count is of places, each one trip."""
    if trips <= 1:
        return cat.label("trips", str(max(trips, 0)))
    return cat.label("trips", "many").format(n=trips)


def _format(cat: Catalogue, key: str) -> str:
    return cat.label("format", key)


def material_name(cat: Catalogue, line: MaterialLine) -> str:
    """The material as it is brought: "父母双方的居民身份证" when several people each bring one."""
    if not line.holders:
        return line.name
    holders = _format(cat, "holders_joiner").join(line.holders)
    return _format(cat, "material_name_each").format(holders=holders, name=line.name)


def copies_label(cat: Catalogue, line: MaterialLine) -> str:
    """"原件 1 份", or "原件，各 1 份" when each holder brings their own."""
    form = cat.label("original", str(line.original).lower())
    key = "copies_each" if line.holders else "copies"
    return _format(cat, key).format(form=form, copies=line.copies)


def places_line(cat: Catalogue, sites: List[SiteVisit]) -> str:
    """"要去的地方：起步区政务服务中心（…地址）；…", or "" when nothing needs a visit."""
    if not sites:
        return ""
    place = _format(cat, "place")
    places = _format(cat, "places_joiner").join(place.format(name=s.name, address=s.address) for s in sites)
    return _format(cat, "places_line").format(places=places)


def date_text(cat: Catalogue, day: date) -> str:
    return _format(cat, "date").format(year=day.year, month=day.month, day=day.day)
