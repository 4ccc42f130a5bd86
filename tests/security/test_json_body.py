"""bot/json_body.py: the nesting count, the encodings and the lone-surrogate clean-up that guard
json.loads on every HTTP surface."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from bot.json_body import BodyProblem, nesting, parse_json

_PIECES = ['"', "\\", "[", "]", "{", "}", "a", "中", ",", ":", " ", "\n"]


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 6)))
    if depth > 12 or roll < 0.3:
        return text
    if roll < 0.65:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {text + str(i): _random_value(rng, depth + 1) for i in range(rng.randint(0, 3))}


def test_the_nesting_of_valid_json_is_its_real_depth_whatever_its_strings_hold() -> None:
    rng = random.Random(7)
    bodies = [_random_value(rng) for _ in range(2000)]
    wrong = [b for b in bodies if nesting(json.dumps(b, ensure_ascii=rng.random() < 0.5).encode()) != _depth(b)]
    assert wrong == []


@pytest.mark.parametrize("raw, deepest", [
    (b'["[[[", "]]", {"a": "\\"[["}]', 2),
    (b'"\\\\" [[', 2),  # an escaped backslash ends before the quote: the brackets are outside
    (b'"open [[[', 3),  # an unterminated string hides nothing: never fewer than json.loads would nest
    (b"]]] [", 0),  # closers before openers nest nothing (and json.loads refuses them)
    (b"", 0),
])
def test_brackets_count_only_outside_strings(raw: bytes, deepest: int) -> None:
    assert nesting(raw) == deepest


def test_json_nested_deeper_than_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(BodyProblem) as refused:
        parse_json(b"[" * 100_000 + b"]" * 100_000, max_bytes=10**6)
    assert refused.value.code == "body_too_deep"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_bodies_are_limited_as_utf8_ones(encoding: str) -> None:
    # U+2200 holds a quote byte (22) in UTF-16 and UTF-32; read as bytes, it would shift every
    # string after it by one quote, and hide the brackets between two strings
    deep = ('["\u2200", ' + "[" * 100 + "]" * 100 + ', "x"]').encode(encoding)
    with pytest.raises(BodyProblem) as refused:
        parse_json(deep, max_bytes=10**6)
    assert refused.value.code == "body_too_deep"


def test_a_utf16_body_parses_to_what_json_loads_gives() -> None:
    body = {"message": "孩子刚出生要办什么", "n": [1, {"a": "\u2222"}]}
    assert parse_json(json.dumps(body, ensure_ascii=False).encode("utf-16-le")) == body


def test_a_body_that_is_no_text_in_its_encoding_is_invalid_json() -> None:
    with pytest.raises(BodyProblem) as refused:
        parse_json(b"\x00[\x00")  # UTF-16-BE by its first bytes, and an odd number of them
    assert refused.value.code == "invalid_json"


@pytest.mark.parametrize("raw", [
    b'{"name": "\\udfff"}',
    b'{"name": "\\uDFFF"}',
    b'{"name": "\\ud83d"}',
    '{"name": "\udfff"}'.encode("utf-8", "surrogatepass"),
    '{"name": "\udfff"}'.encode("utf-16-le", "surrogatepass"),
])
def test_a_lone_surrogate_becomes_a_replacement_character(raw: bytes) -> None:
    assert parse_json(raw) == {"name": "\ufffd"}


def test_a_surrogate_pair_escape_stays_the_character_it_encodes() -> None:
    assert parse_json(b'{"name": "\\ud83d\\ude00"}') == {"name": "\U0001F600"}


def test_a_body_without_surrogates_is_what_json_loads_gives() -> None:
    rng = random.Random(11)
    bodies = [{"v": _random_value(rng)} for _ in range(300)]
    assert [parse_json(json.dumps(b).encode(), max_bytes=10**6) for b in bodies] == bodies
