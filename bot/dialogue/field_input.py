"""Reads a form field's value from what the person typed, checked by the field's type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, List, Optional

from bot.catalogue.model import FormField
from bot.privacy import credit_code_problem, id_number_problem, is_valid_mobile, normalize_mobile
from bot.text.dates import parse_date
from bot.text.normalize import normalize
from bot.text.numbers import find_number

_ID_NUMBER = re.compile(r"[1-9][0-9]{16}[0-9Xx]")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_CREDIT = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_FILLER = re.compile(r"^(是|改成|改为|应该是|填|写|就是|我的|是这个)[:：\s]*")


@dataclass(frozen=True)
class FieldValue:
    value: Optional[str]
    problem: Optional[str] = None  # a code; the words live in rules/vocabulary.yml


def read_field(definition: FormField, text: str, entities: List[Dict[str, Any]], today: date) -> FieldValue:
    raw = normalize(text or "")
    by_entity = {e.get("entity"): str(e.get("value")) for e in entities or [] if e.get("value") is not None}
    kind = definition.type
    if kind == "id_number":
        found = by_entity.get("id_number") or _first(_ID_NUMBER, raw)
        if not found:
            return FieldValue(None, "id_number_format")
        problem = id_number_problem(found, today)
        return FieldValue(None, problem) if problem else FieldValue(found.upper())
    if kind == "phone":
        found = by_entity.get("phone") or _first(_MOBILE, raw.replace(" ", "").replace("-", ""))
        if not found or not is_valid_mobile(normalize_mobile(found)):
            return FieldValue(None, "phone_format")
        return FieldValue(normalize_mobile(found))
    if kind == "credit_code":
        found = _first(_CREDIT, raw.upper())
        problem = credit_code_problem(found) if found else "credit_code_format"
        return FieldValue(None, problem) if problem else FieldValue(found)
    if kind == "date":
        found = parse_date(raw, today)
        return FieldValue(found.isoformat()) if found else FieldValue(None, "date_format")
    if kind == "number":
        found = find_number(raw)
        return FieldValue(f"{found.value:g}") if found else FieldValue(None, "number_format")
    if kind == "enum":
        matches = [o for o in definition.options if o in raw]
        if len(matches) == 1:
            return FieldValue(matches[0])
        return FieldValue(None, "enum_choice")
    value = _FILLER.sub("", raw).strip()
    if kind == "bank_account":
        value = re.sub(r"[\s-]", "", value)
    if not value:
        return FieldValue(None, "empty")
    if definition.max_length and len(value) > definition.max_length:
        return FieldValue(None, "too_long")
    if definition.pattern and not re.fullmatch(definition.pattern, value):
        return FieldValue(None, "pattern")
    return FieldValue(value)


def _first(pattern: re.Pattern, text: str) -> Optional[str]:
    match = pattern.search(text)
    return match.group(0) if match else None
