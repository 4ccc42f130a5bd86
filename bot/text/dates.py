"""Dates and ages in Chinese text: 2024年3月5日, 3月5号, 去年三月, 三天前, 三岁半."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from bot.text.numbers import chinese_to_number, find_number

_N = r"[0-9零〇○一二两三四五六七八九十]+"
# A two-digit year ("98年") only before 年: "12-05" is a month and a day, not a year.
_YEAR = r"(?P<y>\d{4}|[零〇○一二三四五六七八九]{4}|(?<!\d)\d{2}(?=\s*年))"
_FULL = re.compile(rf"{_YEAR}\s*[年\-/.]\s*(?P<m>{_N})\s*[月\-/.]\s*(?P<d>{_N})?\s*[日号]?")
_YEAR_MONTH = re.compile(rf"{_YEAR}\s*年\s*(?P<m>{_N})\s*月")
_MONTH_DAY = re.compile(rf"(?P<m>{_N})\s*月\s*(?P<d>{_N})?\s*[日号]?")
_RELATIVE_YEAR = {"今年": 0, "去年": 1, "前年": 2, "大前年": 3}
_RELATIVE_DAY = {"今天": 0, "今儿": 0, "昨天": 1, "昨儿": 1, "前天": 2, "大前天": 3}
_AGO = re.compile(
    rf"(?P<n>{_N}|半|几)\s*(?P<half>个半)?\s*(?P<unit>天|日|周|个?星期|个?礼拜|个?月|年)(?P<and_half>半)?"
    r"\s*(?:以?前|之前)"
)
_WEEKDAY = re.compile(r"(?P<which>上上|上|这|本)?个?(?:周|星期|礼拜)(?P<day>[一二三四五六日天1-7])")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_AGE = re.compile(rf"(?P<n>{_N})\s*(?P<unit>周?岁|个月)(?P<half>半)?(?:\s*(?P<m>{_N})\s*个月)?")


def _num(text: Optional[str]) -> Optional[int]:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    value = chinese_to_number(text)
    return int(value) if value is not None else None


def _year(raw: str, today: date) -> Optional[int]:
    """A year as written; two digits are the latest such year not after today (98 → 1998)."""
    year = _num(raw)
    if year is None or len(raw) != 2:
        return year
    century = today.year // 100 * 100
    return century + year if century + year <= today.year else century - 100 + year


def _safe(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def months_before(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = today.day
    while True:
        candidate = _safe(year, month + 1, day)
        if candidate:
            return candidate
        day -= 1


def parse_date(text: str, today: date) -> Optional[date]:
    """A date mentioned in `text`, past-biased: a month and day without a year that would lie in
    the future is taken as last year's (people tell us about births, purchases, deaths)."""
    text = text.strip()
    match = _FULL.search(text)
    if match:
        year = _year(match.group("y"), today)
        month, day = _num(match.group("m")), _num(match.group("d")) or 1
        if year and month:
            return _safe(year, month, day)
    match = _YEAR_MONTH.search(text)
    if match:
        year, month = _year(match.group("y"), today), _num(match.group("m"))
        if year and month:
            return _safe(year, month, 1)
    for word, back in sorted(_RELATIVE_DAY.items(), key=lambda kv: -len(kv[0])):
        if word in text:
            return today - timedelta(days=back)
    match = _WEEKDAY.search(text)
    if match:
        day = match.group("day")
        weekday = int(day) - 1 if day.isdigit() else _WEEKDAYS[day]
        weeks_back = {"上上": 2, "上": 1}.get(match.group("which") or "", 0)
        monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_back)
        found = monday + timedelta(days=weekday)
        # "周三" said on a Monday means last Wednesday: people report past events. A week named
        # outright ("这周日", "上周三") is that week, even when the day is still to come.
        return found if found <= today or match.group("which") else found - timedelta(weeks=1)
    year_shift = None
    for word, back in sorted(_RELATIVE_YEAR.items(), key=lambda kv: -len(kv[0])):
        if word in text:
            year_shift = back
            break
    month_shift = 1 if re.search(r"上个?月", text) else 0 if re.search(r"这个?月|本月", text) else None
    match = _MONTH_DAY.search(text)
    if match and match.group("m") and not re.search(r"个\s*月", text[match.start() : match.end() + 1]):
        month, day = _num(match.group("m")), _num(match.group("d")) or 1
        if month and 1 <= month <= 12:
            year = today.year - (year_shift or 0)
            found = _safe(year, month, day)
            if found and year_shift is None and found > today:
                found = _safe(year - 1, month, day)
            return found
    if month_shift is not None:
        base = months_before(today, month_shift)
        day_match = re.search(rf"(?P<d>{_N})\s*[日号]", text)
        day = _num(day_match.group("d")) if day_match else 1
        return _safe(base.year, base.month, day or 1)
    if year_shift is not None:
        return _safe(today.year - year_shift, 1, 1)
    match = _AGO.search(text)
    if match:
        raw = match.group("n")
        amount = (
            0.5 if raw == "半" else 3 if raw == "几" else (chinese_to_number(raw) if not raw.isdigit() else float(raw))
        )
        if amount is None:
            return None
        if match.group("half") or match.group("and_half"):
            amount += 0.5  # 一个半月前, 一年半前
        unit = match.group("unit")
        if unit in ("天", "日"):
            return today - timedelta(days=int(amount))
        if "周" in unit or "星期" in unit or "礼拜" in unit:
            return today - timedelta(weeks=amount)
        if "月" in unit:
            return months_before(today, int(amount)) - timedelta(days=int((amount % 1) * 30))
        return months_before(today, int(amount * 12))
    age = parse_age_years(text)
    if age is not None:
        return months_before(today, int(round(age * 12)))
    return None


def parse_age_years(text: str) -> Optional[float]:
    """`三岁半`→3.5, `八个月`→0.67, `一岁三个月`→1.25, `两周岁`→2."""
    match = _AGE.search(text)
    if not match:
        return None
    n = _num(match.group("n"))
    if n is None:
        return None
    if match.group("unit") == "个月":
        return round(n / 12, 2)
    years = float(n) + (0.5 if match.group("half") else 0)
    extra = _num(match.group("m"))
    if extra:
        years += extra / 12
    return round(years, 2)


def parse_age_months(text: str) -> Optional[float]:
    years = parse_age_years(text)
    return None if years is None else round(years * 12, 1)


__all__ = ["find_number", "months_before", "parse_age_months", "parse_age_years", "parse_date"]
