"""bot/text/normalize.py: width folding, traditional→simplified, invisible chars, spaces, cap."""

from __future__ import annotations

import pytest

from bot.text.normalize import DEFAULT_MAX_CHARS, normalize, normalize_text


@pytest.mark.parametrize("raw, clean", [
    ("１２３４５", "12345"),
    ("ＡＢＣｘｙｚ", "ABCxyz"),
    ("！？，：；（）", "!?,:;()"),
    ("２０２４年３月５日", "2024年3月5日"),
])
def test_full_width_digits_letters_and_punctuation_become_half_width(raw: str, clean: str) -> None:
    assert normalize(raw) == clean


@pytest.mark.parametrize("raw, clean", [
    ("廈門", "厦门"),
    ("辦理", "办理"),
    ("戶口登記", "户口登记"),
    ("新生兒出生", "新生儿出生"),
])
def test_traditional_characters_become_simplified(raw: str, clean: str) -> None:
    assert normalize(raw) == clean


def test_simplified_text_is_left_as_it_is() -> None:
    assert normalize("我要给孩子办理出生登记") == "我要给孩子办理出生登记"


@pytest.mark.parametrize("invisible", [
    "\x00", "\x07", "\x1b",          # control characters
    "\u200b", "\u200c", "\ufeff",    # zero-width space, non-joiner, byte-order mark
    "\u202e", "\u2066", "\u200f",    # bidi override, isolate and mark
    "\ue000",                        # private use
])
def test_invisible_characters_are_removed(invisible: str) -> None:
    assert normalize(f"上{invisible}户口") == "上户口"


def test_a_lone_surrogate_is_removed_rather_than_breaking_the_text() -> None:
    assert normalize("户口\ud800登记") == "户口登记"


def test_an_emoji_is_kept() -> None:
    assert normalize("宝宝出生了😀") == "宝宝出生了😀"


def test_an_emoji_sequence_loses_only_its_zero_width_joiners_like_any_other_text() -> None:
    family = "👨\u200d👩\u200d👧"
    assert normalize(family) == "👨👩👧"


def test_runs_of_whitespace_collapse_to_one_space() -> None:
    assert normalize("hello \t\n  world") == "hello world"


def test_leading_and_trailing_whitespace_is_stripped() -> None:
    assert normalize("  \n 上户口 \t") == "上户口"


def test_gaps_between_chinese_characters_are_removed() -> None:
    assert normalize("新 生  儿\n出生") == "新生儿出生"


def test_ideographic_and_no_break_spaces_count_as_whitespace() -> None:
    assert normalize("新\u3000生\u00a0儿") == "新生儿"


def test_a_space_between_chinese_and_latin_text_is_kept() -> None:
    assert normalize("我要办 ETC 卡") == "我要办 ETC 卡"


def test_text_within_the_cap_is_not_truncated() -> None:
    result = normalize_text("户" * DEFAULT_MAX_CHARS)
    assert (len(result.text), result.truncated) == (DEFAULT_MAX_CHARS, False)


def test_a_ten_thousand_character_message_is_cut_to_the_cap_and_flagged() -> None:
    result = normalize_text("我要上户口" * 2000)
    capped = len(result.text) <= DEFAULT_MAX_CHARS
    assert (result.truncated, capped, result.original_length) == (True, True, 10_000)


def test_a_smaller_cap_can_be_asked_for() -> None:
    result = normalize_text("x" * 150, max_chars=100)
    assert (len(result.text), result.truncated) == (100, True)


def test_none_becomes_empty_text() -> None:
    assert normalize_text(None) == normalize_text("")  # type: ignore[arg-type]


def test_empty_text_stays_empty_and_untruncated() -> None:
    result = normalize_text("")
    assert (result.text, result.truncated, result.original_length) == ("", False, 0)


@pytest.mark.parametrize("value, clean", [(123, "123"), (1.5, "1.5"), (True, "True")])
def test_a_non_string_is_read_as_its_text(value: object, clean: str) -> None:
    assert normalize(value) == clean  # type: ignore[arg-type]


def test_text_made_only_of_invisible_characters_becomes_empty() -> None:
    assert normalize("\u200b\u200b\ufeff \t") == ""
