"""rules/desk.yml: the desk's hours, hotline, time limits, rating levels, canned replies and SMS
texts, validated once; and the calendar those rules imply (open now? N working days later?)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, conint, constr, validator

from bot.catalogue.model import Described
from bot.catalogue.problems import CatalogueError, problems_from_validation
from bot.catalogue.yaml_io import read_yaml

_HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"


class _Strict(BaseModel):
    class Config:
        extra = "forbid"


class Hours(_Strict):
    days: List[conint(ge=1, le=7)] = Field(..., min_items=1)  # ISO weekdays, 1 = Monday
    start: constr(regex=_HHMM) = Field(..., alias="from")
    end: constr(regex=_HHMM) = Field(..., alias="to")

    def covers(self, moment: datetime) -> bool:
        if moment.isoweekday() not in self.days:
            return False
        now = moment.strftime("%H:%M")
        return self.start <= now < self.end


class Choice(_Strict):
    id: constr(regex=r"^[a-z][a-z0-9_]*$")
    label: constr(min_length=1)


class Canned(_Strict):
    id: constr(regex=r"^[a-z][a-z0-9_]*$")
    title: constr(min_length=1)
    text: constr(min_length=1)


class SmsTexts(_Strict):
    sign: str
    notice: constr(min_length=1)
    receipt: constr(min_length=1)
    receipt_queued: constr(min_length=1)


class DeskRules(Described):
    timezone: str
    hotline: constr(min_length=1)
    hours: List[Hours] = Field(..., min_items=1)
    hours_text: constr(min_length=1)
    holidays: List[date] = []
    workdays: List[date] = []
    minutes_per_caller: conint(ge=1, le=120)
    answer_within_s: conint(ge=1, le=600)
    callback_within_working_days: conint(ge=1, le=30)
    revisit_within_working_days: conint(ge=1, le=60)
    bad_rating_max_stars: conint(ge=1, le=4)
    rating_levels: Dict[conint(ge=1, le=5), constr(min_length=1)]
    consent_methods: List[Choice] = Field(..., min_items=1)
    ticket_kinds: Dict[str, constr(min_length=1)]
    canned: List[Canned] = []
    sms: SmsTexts

    @validator("timezone")
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @validator("rating_levels")
    def _five_levels(cls, value: Dict[int, str]) -> Dict[int, str]:
        if sorted(value) != [1, 2, 3, 4, 5]:
            raise ValueError("好差评 has exactly five levels, 1 to 5")
        return value

    @validator("ticket_kinds")
    def _kinds(cls, value: Dict[str, str]) -> Dict[str, str]:
        missing = {"callback", "unresolved", "revisit"} - set(value)
        if missing:
            raise ValueError(f"labels missing for ticket kinds {sorted(missing)}")
        return value

    # -- the calendar ----------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, epoch: float) -> datetime:
        return datetime.fromtimestamp(epoch, self.zone)

    def is_open(self, epoch: float) -> bool:
        moment = self.local(epoch)
        return moment.date() not in self.holidays and any(h.covers(moment) for h in self.hours)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.isoweekday() <= 5 and day not in self.holidays

    def working_days_later(self, epoch: float, days: int) -> float:
        """The same local time `days` working days after `epoch` (the end of a time limit)."""
        moment = self.local(epoch)
        day = moment.date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            counted += self.is_working_day(day)
        return datetime.combine(day, moment.time(), self.zone).timestamp()

    def day_start(self, epoch: float) -> float:
        """Local midnight of the day `epoch` falls on ("today" on the supervisor view)."""
        return datetime.combine(self.local(epoch).date(), time(0), self.zone).timestamp()

    def consent_label(self, method: str) -> Optional[str]:
        return next((c.label for c in self.consent_methods if c.id == method), None)

    def canned_text(self, canned_id: str) -> Optional[str]:
        return next((c.text for c in self.canned if c.id == canned_id), None)


def load_desk_rules(rules_dir: Path) -> DeskRules:
    """rules/desk.yml validated; CatalogueError naming every problem otherwise."""
    path = Path(rules_dir) / "desk.yml"
    from pydantic import ValidationError

    data = read_yaml(path)
    try:
        return DeskRules.parse_obj(data)
    except ValidationError as exc:
        raise CatalogueError(problems_from_validation("desk.yml", exc.errors(), data)) from None


@lru_cache(maxsize=4)
def desk_rules(rules_dir: Path) -> DeskRules:
    return load_desk_rules(rules_dir)
