"""Strict checks on an incoming application, and field errors worded from field_errors.yml."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Collection, Dict, List, Optional, Tuple, Type

import yaml
from pydantic import BaseModel, PydanticValueError, ValidationError, validator

from bot.intake.contract import Applicant, ApplicationBody, Consent, FieldError, Item
from bot.privacy import (
    credit_code_problem,
    id_number_problem,
    is_valid_mobile,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
)

FIELD_ERRORS = Path(__file__).with_name("field_errors.yml")


@cache
def _error_class(code: str) -> Type[PydanticValueError]:
    # pydantic 1 reads an error's code from its class, so each code gets a (cached) class.
    return type(f"{code}_error", (PydanticValueError,), {"code": code, "msg_template": code})


def problem(code: str) -> PydanticValueError:
    return _error_class(code)()


class CheckedApplicant(Applicant):
    @validator("id_number")
    def _id_number(cls, value: str) -> str:
        code = id_number_problem(value)
        if code:
            raise problem(code)
        return normalize_id_number(value)

    @validator("phone")
    def _phone(cls, value: str) -> str:
        if not is_valid_mobile(value):
            raise problem("mobile_format")
        return normalize_mobile(value)

    @validator("credit_code", always=True)
    def _credit_code(cls, value: Optional[str], values: Dict[str, Any]) -> Optional[str]:
        if not value:
            if values.get("kind") == "enterprise":
                raise problem("credit_code_required")
            return None
        code = credit_code_problem(value)
        if code:
            raise problem(code)
        return normalize_credit_code(value)


class CheckedConsent(Consent):
    @validator("given")
    def _given(cls, value: bool) -> bool:
        if not value:
            raise problem("consent_required")
        return value


class CheckedApplication(ApplicationBody):
    applicant: CheckedApplicant
    consent: CheckedConsent

    @validator("items")
    def _items(cls, value: List[Item]) -> List[Item]:
        if not value:
            raise problem("items_empty")
        return value


def check_application(
    raw: Any, bundle_ids: Collection[str]
) -> Tuple[Optional[CheckedApplication], List[FieldError]]:
    """The parsed application, or every field error at once (一次告知, not one per round)."""
    if not isinstance(raw, dict):
        return None, [field_error("body", "not_an_object")]
    errors = []
    bundle_id = raw.get("bundle_id")
    if isinstance(bundle_id, str) and bundle_id.strip() and bundle_id.strip() not in bundle_ids:
        errors.append(field_error("bundle_id", "unknown_bundle"))
    try:
        application = CheckedApplication.parse_obj(raw)
    except ValidationError as error:
        return None, errors + field_errors(error)
    return (None, errors) if errors else (application, [])


def parse_or_errors(
    model: Type[BaseModel], raw: Any
) -> Tuple[Optional[BaseModel], List[FieldError]]:
    if not isinstance(raw, dict):
        return None, [field_error("body", "not_an_object")]
    try:
        return model.parse_obj(raw), []
    except ValidationError as error:
        return None, field_errors(error)


def field_errors(error: ValidationError) -> List[FieldError]:
    return [field_error(_path(e["loc"]), _code(e["type"])) for e in error.errors()]


def field_error(field: str, code: str) -> FieldError:
    wording = _wording()
    label = wording["labels"].get(re.sub(r"\[\d+\]", "", field), field)
    template = wording["codes"].get(code, wording["codes"]["default"])
    return FieldError(field=field, code=code, message=template.format(label=label))


def _path(loc: Tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part != "__root__":
            path += f".{part}" if path else str(part)
    return path or "body"


def _code(error_type: str) -> str:
    # "value_error.missing" → "missing", "value_error.any_str.min_length" → "any_str_min_length"
    head, _, rest = error_type.partition(".")
    return (rest or head).replace(".", "_")


@lru_cache(maxsize=1)
def _wording() -> Dict[str, Dict[str, str]]:
    return yaml.safe_load(FIELD_ERRORS.read_text(encoding="utf-8"))
