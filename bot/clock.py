"""The one time zone: every date a person sees or says ("前天", a receipt's date, the printed
notice) is in China time (Asia/Shanghai, UTC+8 all year), whatever the server's own zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving: a fixed offset is exact


def now() -> datetime:
    return datetime.now(CHINA_TIME)


def today() -> date:
    return now().date()


def china_time(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, CHINA_TIME)
