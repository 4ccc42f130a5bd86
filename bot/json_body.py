"""Request bodies every HTTP surface accepts: JSON of bounded size and nesting, strings without
broken Unicode. Anything else is a BodyProblem (a 4xx with a code), never a crash or an echo."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_BYTES = 64 * 1024
MAX_DEPTH = 32
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_OPENERS, _CLOSERS = frozenset(b"[{"), frozenset(b"]}")


class BodyProblem(ValueError):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def parse_json(raw: bytes, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    if raw is None:
        raw = b""
    if len(raw) > max_bytes:
        raise BodyProblem("body_too_large", f"the request body is larger than {max_bytes} bytes", 413)
    # json.loads recurses per level: 100,000 "[" would end in a RecursionError. Count first.
    if nesting(raw) > max_depth:
        raise BodyProblem("body_too_deep", f"the JSON is nested deeper than {max_depth} levels")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BodyProblem("invalid_json", "the request body is not valid JSON") from None
    return clean(data)


def parse_json_object(raw: bytes, **limits: int) -> dict:
    data = parse_json(raw, **limits)
    if not isinstance(data, dict):
        raise BodyProblem("invalid_json", "the request body must be a JSON object")
    return data


def nesting(raw: bytes) -> int:
    """The deepest bracket nesting outside strings, without building anything."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSERS:
            depth -= 1
    return deepest


def clean(value: Any) -> Any:
    """Lone surrogates ("\\udfff" in JSON) cannot be stored or encoded: U+FFFD instead."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


class SafeJson:
    """A json module for libraries that take one (python-socketio): same limits on loads."""

    @staticmethod
    def dumps(*args: Any, **kwargs: Any) -> str:
        return json.dumps(*args, **kwargs)

    @staticmethod
    def loads(text: Any, **_: Any) -> Any:
        raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        return parse_json(raw)
