"""Request bodies every HTTP surface accepts: JSON of bounded size and nesting, strings without
broken Unicode. Anything else is a BodyProblem (a 4xx with a code), never a crash or an echo."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_BYTES = 64 * 1024
MAX_DEPTH = 32
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Every action call carries the whole conversation (tens of kilobytes): these run in C, where a
# Python loop over each byte or value cost about a seventh of the action server's time per turn.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
# A lone surrogate in the parsed text comes from a \uD800-\uDFFF escape, or from its UTF-8-like
# bytes, which json.loads lets through ("surrogatepass").
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf]")


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
    raw = _as_utf8(raw)
    # json.loads recurses per level: 100,000 "[" would end in a RecursionError. Count first.
    if nesting(raw) > max_depth:
        raise BodyProblem("body_too_deep", f"the JSON is nested deeper than {max_depth} levels")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BodyProblem("invalid_json", "the request body is not valid JSON") from None
    return clean(data) if _may_hold_surrogates(raw) else data


def parse_json_object(raw: bytes, **limits: int) -> dict:
    data = parse_json(raw, **limits)
    if not isinstance(data, dict):
        raise BodyProblem("invalid_json", "the request body must be a JSON object")
    return data


def _as_utf8(raw: bytes) -> bytes:
    """json.loads also reads UTF-16 and UTF-32; the checks here read UTF-8, where a quote or a
    bracket byte is never part of another character."""
    encoding = json.detect_encoding(raw)
    if encoding in ("utf-8", "utf-8-sig"):
        return raw
    try:
        return raw.decode(encoding, "surrogatepass").encode("utf-8", "surrogatepass")
    except UnicodeError:
        raise BodyProblem("invalid_json", "the request body is not valid JSON") from None


def _may_hold_surrogates(raw: bytes) -> bool:
    # two searches with a literal start are several times faster than one with an alternation
    return bool(_SURROGATE_ESCAPE.search(raw) or (b"\xed" in raw and _SURROGATE_BYTES.search(raw)))


def nesting(raw: bytes) -> int:
    """The deepest bracket nesting outside strings, without building anything. An unterminated
    string is not taken out, so its brackets count: never less than json.loads would nest."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate((_STEP[b] for b in brackets), initial=0))


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
