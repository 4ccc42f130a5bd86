"""bot/text/pinyin.py: sounds of characters and of typed pinyin, and words found by sound."""

from __future__ import annotations

import pytest

from bot.text import pinyin


@pytest.mark.parametrize("typed, syllables", [
    ("buyong", ["bu", "yong"]), ("shide", ["shi", "de"]), ("xian", ["xian"]), ("hello", None),
])
def test_typed_pinyin_is_split_into_syllables(typed: str, syllables) -> None:
    assert pinyin.segment(typed) == syllables


@pytest.mark.parametrize("text, word, at", [
    ("在本是", "本市", 1),        # a wrong character of the same sound
    ("有公基金", "公积金", 1),
    ("zai benshi", "本市", 1),    # pinyin typed for the word
    ("在外地", "本市", -1),
])
def test_a_word_is_found_by_its_sound(text: str, word: str, at: int) -> None:
    assert pinyin.find(pinyin.syllables(text.replace(" ", ""))[0], pinyin.word_syllables(word)) == at


def test_every_common_character_has_a_reading() -> None:
    assert all(pinyin.syllables(ch)[0][0] != frozenset((ch,)) for ch in "的是不了在人有我他这")
