"""Personal data: validate ID numbers, mobiles and credit codes; mask them in text and logs."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Optional

from bot import clock

# GB 11643-1999: weights of the first 17 digits and the check character for sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# First two digits of the administrative division code (GB/T 2260): provinces, Taiwan, HK, Macao.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

# GB 32100-2015: 31 characters (no I, O, Z, S, V) and the weights of the first 17.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_MOBILE_DECORATION = re.compile(r"[\s\-()]")

# Common two-character surnames, so that 欧阳娜娜 masks as 欧阳** and not 欧***.
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 司徒 夏侯 宇文 长孙 澹台 端木 "
    "独孤 南宫 西门 轩辕 呼延 闻人 申屠 万俟 钟离 公羊 赫连 太史 拓跋 百里".split()
)

# Anything shaped like an 18-character ID number, and mainland mobiles with an optional
# +86 prefix and separators; checksums are not required here: over-masking is the safe side.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(
    r"(?<![0-9])((?:\+?86[\s-]?)?1[3-9][0-9])[\s-]?[0-9]{4}[\s-]?([0-9]{4})(?![0-9])"
)


def normalize_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def id_number_problem(value: str, today: Optional[date] = None) -> Optional[str]:
    """None when `value` is a valid GB 11643 citizen ID number, else the problem's code."""
    number = normalize_id_number(value)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number) or number[:2] not in _PROVINCES:
        return "id_number_format"
    born = birth_date_of(number)
    if born is None or born > (today or clock.today()):
        return "id_number_birth_date"
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        return "id_number_checksum"
    return None


def is_valid_id_number(value: str) -> bool:
    return id_number_problem(value) is None


def id_number_check_char(first_17: str) -> str:
    """The check character that completes 17 digits into a valid ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first_17, _ID_WEIGHTS, strict=True)) % 11]


def birth_date_of(id_number: str) -> Optional[date]:
    """The birth date encoded in an 18-digit ID number, None when it is not a real date."""
    digits = normalize_id_number(id_number)[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


def gender_of(id_number: str) -> str:
    """'male' or 'female': the 17th digit is odd for men and even for women."""
    return "male" if int(normalize_id_number(id_number)[16]) % 2 else "female"


def normalize_mobile(value: str) -> str:
    number = _MOBILE_DECORATION.sub("", value.strip())
    for prefix in ("+86", "0086", "86"):
        if number.startswith(prefix) and len(number) == len(prefix) + 11:
            return number[len(prefix) :]
    return number


def is_valid_mobile(value: str) -> bool:
    return bool(_MOBILE.match(normalize_mobile(value)))


def normalize_credit_code(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def credit_code_problem(value: str) -> Optional[str]:
    """None when `value` is a valid GB 32100 unified social credit code, else the problem's code."""
    code = normalize_credit_code(value)
    if not _USCC_SHAPE.match(code):
        return "credit_code_format"
    if credit_code_check_char(code[:17]) != code[17]:
        return "credit_code_checksum"
    return None


def is_valid_credit_code(value: str) -> bool:
    return credit_code_problem(value) is None


def credit_code_check_char(first_17: str) -> str:
    """The check character that completes 17 characters into a valid credit code."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first_17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def mask_id_number(value: str) -> str:
    """370102199001011234 → 370102********1234: region and last four stay readable."""
    if len(value) < 11:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; other numbers keep only their last four characters."""
    number = normalize_mobile(value)
    if _MOBILE.match(number):
        return f"{number[:3]}****{number[-4:]}"
    return "*" * max(len(value) - 4, 0) + value[-4:]


def mask_name(value: str) -> str:
    """张伟 → 张*, 欧阳娜娜 → 欧阳**: the surname stays, every other character is masked."""
    name = value.strip()
    if len(name) <= 1:
        return "*" * len(name)
    kept = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:kept] + "".join(" " if c == " " else "*" for c in name[kept:])


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number inside free text."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    return _MOBILE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message and traceback with ID numbers and mobiles masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a broken format string is logging's own error to report
        record.msg, record.args = mask_text(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


def configure_logging(level: str = "INFO") -> None:
    """Root logging for a service process, every handler behind the masking filter."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install_log_masking()


def install_log_masking() -> None:
    """Put the masking filter on every handler that exists now (filters on handlers also see
    records propagated from child loggers, filters on loggers would not)."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                handler.addFilter(PersonalDataFilter())
