"""JSON responses and the one error shape every endpoint answers with."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Dict, List, Optional

from sanic.response import HTTPResponse
from sanic.response import json as sanic_json

from bot.intake.contract import FieldError


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dumps(body: Any, **_: Any) -> str:
    # ensure_ascii off: Chinese next steps and error messages stay readable on the wire.
    return json.dumps(body, ensure_ascii=False, default=_encode)


def json_response(
    body: Any, status: int = 200, headers: Optional[Dict[str, str]] = None
) -> HTTPResponse:
    return sanic_json(body, status=status, headers=headers, dumps=_dumps)


def error_response(
    status: int,
    error: str,
    message: str,
    errors: Optional[List[FieldError]] = None,
    headers: Optional[Dict[str, str]] = None,
    retryable: bool = False,
) -> HTTPResponse:
    """{"error": code, "message": ..., "retryable": bool, "errors": [field errors]}."""
    body = {
        "error": error,
        "message": message,
        "retryable": retryable,
        "errors": [e.dict() for e in errors or []],
    }
    return json_response(body, status=status, headers=headers)
