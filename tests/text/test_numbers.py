"""bot/text/numbers.py: Chinese numerals, Arabic numbers with separators and units, and 半."""

from __future__ import annotations

import pytest

from bot.text.numbers import chinese_to_number, find_number, to_int_or_float


@pytest.mark.parametrize("numeral, value", [
    ("十", 10),
    ("十五", 15),
    ("二十", 20),
    ("一百二十三", 123),
    ("一百零一", 101),
    ("两百", 200),
    ("两千五", 2500),
    ("三百五", 350),
    ("一千零五", 1005),
    ("三千零二十", 3020),
    ("三万五", 35000),
    ("一万零五百", 10500),
    ("五十万零三", 500003),
    ("一千二百三十四万五千六百七十八", 12345678),
    ("一亿", 100_000_000),
    ("壹佰贰拾", 120),
])
def test_chinese_numerals_read_as_numbers(numeral: str, value: int) -> None:
    assert chinese_to_number(numeral) == value


@pytest.mark.parametrize("numeral, value", [
    ("三点五", 3.5), ("四十五点六七", 45.67), ("零点五", 0.5),
])
def test_chinese_decimals_read_with_their_fraction(numeral: str, value: float) -> None:
    assert chinese_to_number(numeral) == pytest.approx(value)


@pytest.mark.parametrize("numeral, value", [
    ("二〇二四", 2024), ("二零二四", 2024), ("一九九八", 1998),
])
def test_a_string_of_digits_reads_digit_by_digit(numeral: str, value: int) -> None:
    assert chinese_to_number(numeral) == value


@pytest.mark.parametrize("text", ["", "三点", "三点十", "百分"])
def test_text_that_is_no_numeral_gives_none(text: str) -> None:
    assert chinese_to_number(text) is None


@pytest.mark.parametrize("text, value", [
    ("3,500元", 3500),
    ("1,234,567", 1234567),
    ("1.5万", 15000),
    ("2.5亿", 250_000_000),
    ("大约120平方米", 120),
    ("三万五千块", 35000),
    ("一百二十平", 120),
])
def test_the_first_number_in_a_sentence_is_found(text: str, value: float) -> None:
    found = find_number(text)
    assert found is not None and found.value == value


def test_the_span_of_a_found_number_points_at_it_in_the_text() -> None:
    text = "大约120平方米"
    found = find_number(text)
    assert found is not None and text[found.start:found.end] == "120"


@pytest.mark.parametrize("text", ["200千瓦", "两百千瓦", "200千伏", "200千克"])
def test_a_unit_that_begins_with_a_numeral_does_not_multiply_the_number(text: str) -> None:
    found = find_number(text)
    assert found is not None and found.value == 200


@pytest.mark.parametrize("text, value", [
    ("三个半", 3.5), ("一岁半", 1.5), ("两年半", 2.5), ("3个半小时", 3.5),
])
def test_a_half_after_a_number_adds_one_half(text: str, value: float) -> None:
    found = find_number(text)
    assert found is not None and found.value == value


@pytest.mark.parametrize("text", ["半年", "半个", "半"])
def test_a_half_on_its_own_is_one_half(text: str) -> None:
    found = find_number(text)
    assert found is not None and found.value == 0.5


def test_half_inside_a_longer_word_is_not_a_number() -> None:
    assert find_number("多半是吧") is None


@pytest.mark.parametrize("text", ["", "没有", "不知道", "好的"])
def test_text_without_a_number_gives_none(text: str) -> None:
    assert find_number(text) is None


@pytest.mark.parametrize("value, shown", [(3.0, 3), (3.5, 3.5), (0.0, 0)])
def test_whole_numbers_come_back_as_integers(value: float, shown: object) -> None:
    result = to_int_or_float(value)
    assert (result, type(result)) == (shown, type(shown))
