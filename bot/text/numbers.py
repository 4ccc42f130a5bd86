"""Numbers in Chinese text: Arabic digits, Chinese numerals (一百二十、两千五、三点五) and 半."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3,
           "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
           "九": 9, "玖": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_CN = "".join(_DIGITS) + "".join(_UNITS) + "".join(_BIG)

NUMBER_PATTERN = re.compile(
    rf"(?P<arabic>\d+(?:,\d{{3}})*(?:\.\d+)?)(?P<abig>[万亿千百]?)"
    rf"|(?P<cn>[{_CN}]+(?:点[{''.join(_DIGITS)}]+)?)"
)


@dataclass(frozen=True)
class Found:
    value: float
    start: int
    end: int


def chinese_to_number(text: str) -> Optional[float]:
    """`一百二十三`→123, `十五`→15, `两千五`→2500, `三万五`→35000, `三点五`→3.5, `二〇二四`→2024."""
    if not text:
        return None
    if "点" in text:
        whole, _, frac = text.partition("点")
        head = chinese_to_number(whole) if whole else 0.0
        if head is None or not frac or any(c not in _DIGITS for c in frac):
            return None
        return head + float("0." + "".join(str(_DIGITS[c]) for c in frac))
    if all(c in _DIGITS for c in text):
        # A digit string like 二〇二四 reads digit by digit.
        return float("".join(str(_DIGITS[c]) for c in text))
    total, section, digit = 0.0, 0.0, None
    last_unit, zero = 1, False
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
            zero = zero or digit == 0
        elif char in _UNITS:
            unit = _UNITS[char]
            section += (1 if digit is None else digit) * unit
            digit, last_unit, zero = None, unit, False
        elif char in _BIG:
            big = _BIG[char]
            section += digit or 0
            total += (section or 1) * big
            section, digit, last_unit, zero = 0.0, None, big, False
        else:
            return None
    if digit is not None:
        # 两千五 and 三万五: a trailing digit counts in the next smaller unit; 一千零五 is 1005.
        section += digit * (last_unit // 10 if last_unit >= 10 and not zero else 1)
    return total + section


# Units that begin with a numeral character: 200千瓦 is 200 kW, not 200,000 watts.
_UNITS_WITH_NUMERALS = re.compile(r"(千瓦|千伏|千克|千米|百分)")


def find_number(text: str) -> Optional[Found]:
    """The first number in `text`, with `半` (half) added when it follows (三个半, 一岁半)."""
    # Same length replacement keeps the spans valid.
    text = _UNITS_WITH_NUMERALS.sub(lambda m: "的" * len(m.group(0)), text)
    for match in NUMBER_PATTERN.finditer(text):
        if match.group("arabic"):
            value = float(match.group("arabic").replace(",", ""))
            big = match.group("abig")
            if big:
                value *= {"万": 10_000, "亿": 100_000_000, "千": 1000, "百": 100}[big]
        else:
            parsed = chinese_to_number(match.group("cn"))
            if parsed is None:
                continue
            value = parsed
        end = match.end()
        rest = text[end:end + 3]
        if re.match(r"^(个|岁|周岁|年|天|月|小时)?半", rest):
            value += 0.5
        return Found(value, match.start(), end)
    if re.search(r"(^|[^多])半(年|个|岁|$)", text):
        return Found(0.5, 0, len(text))
    return None


def to_int_or_float(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
