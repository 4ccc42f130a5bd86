"""bot/engine/interpret.py through Engine.interpret, on real questions of the catalogue.

yes/no: newborn.born_in_city, newborn.parents_married; single: newborn.father_hukou,
newborn.settle_with; date: newborn.child_birth_date; number: restaurant_opening.floor_area,
utility_connection.power_capacity, transport_company.vehicle_count (integer); multi:
property_transfer.utilities, restaurant_opening.sells_alcohol_tobacco, utility_connection.services.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.engine import Engine, NotUnderstood, Understood, UnknownBundle, UnknownQuestion

TODAY = date(2026, 11, 21)


@pytest.fixture
def ask(engine: Engine):
    def ask(bundle_id: str, question_id: str, text: Any):
        return engine.interpret(bundle_id, question_id, text, TODAY)
    return ask


def test_the_questions_these_tests_use_have_the_kinds_they_assume(engine: Engine) -> None:
    kinds = {
        ("newborn", "born_in_city"): "yesno",
        ("newborn", "parents_married"): "yesno",
        ("newborn", "father_hukou"): "single",
        ("newborn", "settle_with"): "single",
        ("newborn", "child_birth_date"): "date",
        ("restaurant_opening", "floor_area"): "number",
        ("utility_connection", "power_capacity"): "number",
        ("transport_company", "vehicle_count"): "number",
        ("property_transfer", "utilities"): "multi",
        ("restaurant_opening", "sells_alcohol_tobacco"): "multi",
        ("utility_connection", "services"): "multi",
    }
    actual = {key: engine.question(*key).kind for key in kinds}
    assert actual == kinds


# -- yes / no ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "是", "对", "嗯", "有", "可以", "要", "是的", "对的呀", "ok", "yes",
])
def test_yes_words_answer_yes(ask, text: str) -> None:
    result = ask("newborn", "born_in_city", text)
    assert isinstance(result, Understood) and result.value is True


@pytest.mark.parametrize("text", ["不是", "没有", "不用", "没", "不对", "no"])
def test_no_words_answer_no(ask, text: str) -> None:
    result = ask("newborn", "born_in_city", text)
    assert isinstance(result, Understood) and result.value is False


@pytest.mark.parametrize("text, value", [("已婚", True), ("结婚了", True), ("领证了", True),
                                         ("未婚", False), ("没结婚", False), ("没领证", False)])
def test_question_specific_words_answer_their_yes_no_question(ask, text: str, value: bool) -> None:
    result = ask("newborn", "parents_married", text)
    assert isinstance(result, Understood) and result.value is value


@pytest.mark.parametrize("text, value", [
    ("在济南生的", True), ("本市", True), ("在老家生的", False), ("外地", False),
])
def test_words_naming_the_place_answer_born_in_city(ask, text: str, value: bool) -> None:
    result = ask("newborn", "born_in_city", text)
    assert isinstance(result, Understood) and result.value is value


def test_a_negated_no_word_means_yes(ask) -> None:
    result = ask("newborn", "born_in_city", "不是外地")
    assert isinstance(result, Understood) and result.value is True


def test_a_negated_yes_word_means_no(ask) -> None:
    result = ask("newborn", "born_in_city", "不在本地")
    assert isinstance(result, Understood) and result.value is False


def test_a_double_negative_means_yes(ask) -> None:
    result = ask("newborn", "parents_married", "不是没结婚")
    assert isinstance(result, Understood) and result.value is True


def test_a_word_unrelated_to_yes_or_no_is_not_understood(ask) -> None:
    result = ask("newborn", "born_in_city", "哈哈")
    assert isinstance(result, NotUnderstood) and result.reason == "no_match"


def test_a_yes_no_question_offers_yes_and_no_when_not_understood(ask) -> None:
    assert [label for _, label in ask("newborn", "born_in_city", "哈哈").options] == ["是", "否"]


# -- single choice ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("本市户口", "local"), ("济南户口", "local"), ("本地的", "local"),
    ("外地", "non_local"), ("外地户口", "non_local"), ("农村老家", "non_local"),
])
def test_an_option_label_or_synonym_chooses_it(ask, text: str, value: str) -> None:
    result = ask("newborn", "father_hukou", text)
    assert isinstance(result, Understood) and result.value == value


@pytest.mark.parametrize("text, value", [
    ("随父亲", "father"), ("跟妈妈", "mother"), ("爸爸", "father"),
])
def test_settle_with_synonyms_choose_the_parent(ask, text: str, value: str) -> None:
    result = ask("newborn", "settle_with", text)
    assert isinstance(result, Understood) and result.value == value


def test_a_negated_option_of_two_chooses_the_other(ask) -> None:
    result = ask("newborn", "father_hukou", "不是本市户口")
    assert isinstance(result, Understood) and result.value == "non_local"


def test_negating_the_other_option_chooses_this_one(ask) -> None:
    result = ask("newborn", "father_hukou", "不是外地")
    assert isinstance(result, Understood) and result.value == "local"


@pytest.mark.parametrize("text, value", [
    ("第一个", "local"), ("第二个", "non_local"), ("2", "non_local"), ("第2个", "non_local"),
])
def test_an_option_can_be_chosen_by_its_position(ask, text: str, value: str) -> None:
    result = ask("newborn", "father_hukou", text)
    assert isinstance(result, Understood) and result.value == value


def test_a_position_past_the_last_option_is_not_understood(ask) -> None:
    result = ask("newborn", "father_hukou", "第三个")
    assert isinstance(result, NotUnderstood) and result.reason == "no_match"


def test_naming_two_options_is_ambiguous(ask) -> None:
    result = ask("newborn", "settle_with", "爸爸妈妈都行")
    assert isinstance(result, NotUnderstood) and result.reason == "ambiguous"


def test_an_ambiguous_answer_offers_the_options_it_named(ask) -> None:
    result = ask("newborn", "settle_with", "爸爸妈妈都行")
    assert sorted(value for value, _ in result.options) == ["father", "mother"]


def test_an_unrelated_answer_offers_every_option(ask, engine: Engine) -> None:
    result = ask("newborn", "father_hukou", "随便")
    labels = [o.label for o in engine.question("newborn", "father_hukou").options]
    assert (result.reason, [label for _, label in result.options]) == ("no_match", labels)


# -- unsure and empty -------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["不知道", "不清楚", "不记得了"])
def test_not_knowing_is_unsure_rather_than_no(ask, text: str) -> None:
    result = ask("newborn", "born_in_city", text)
    assert isinstance(result, NotUnderstood) and result.reason == "unsure"


def test_an_unsure_answer_carries_the_options_to_offer(ask) -> None:
    result = ask("newborn", "father_hukou", "不知道")
    assert [value for value, _ in result.options] == ["local", "non_local"]


def test_an_unsure_answer_names_its_question(ask) -> None:
    assert ask("newborn", "father_hukou", "不知道").question_id == "father_hukou"


@pytest.mark.parametrize("text", ["", "   ", "\u200b", None])
def test_empty_input_is_reported_as_empty(ask, text: Any) -> None:
    result = ask("newborn", "born_in_city", text)
    assert isinstance(result, NotUnderstood) and result.reason == "empty"


@pytest.mark.parametrize("text", ["。。。", "？！"])
def test_punctuation_alone_is_empty(ask, text: str) -> None:
    result = ask("newborn", "father_hukou", text)
    assert isinstance(result, NotUnderstood) and result.reason == "empty"


def test_full_width_and_traditional_text_is_understood(ask) -> None:
    result = ask("newborn", "father_hukou", "濟南戶口")
    assert isinstance(result, Understood) and result.value == "local"


# -- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("2024年3月5日", date(2024, 3, 5)),
    ("2024-03-05", date(2024, 3, 5)),
    ("三天前", date(2026, 11, 18)),
    ("昨天", date(2026, 11, 20)),
    ("12月20号", date(2025, 12, 20)),
    ("今天", TODAY),
])
def test_a_date_answer_becomes_a_date(ask, text: str, value: date) -> None:
    assert ask("newborn", "child_birth_date", text).value == value


@pytest.mark.parametrize("text", ["2026年12月1日", "这周日"])
def test_a_date_in_the_future_is_out_of_range(ask, text: str) -> None:
    result = ask("newborn", "child_birth_date", text)
    assert isinstance(result, NotUnderstood) and result.reason == "out_of_range"


def test_a_future_date_says_which_date_was_read(ask) -> None:
    assert ask("newborn", "child_birth_date", "2026年12月1日").detail == "2026-12-01"


@pytest.mark.parametrize("text", ["2月30日", "随便", "很久以前"])
def test_text_that_is_no_possible_date_is_not_understood(ask, text: str) -> None:
    result = ask("newborn", "child_birth_date", text)
    assert isinstance(result, NotUnderstood) and result.reason == "no_match"


# -- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("120", 120), ("120平方米", 120), ("一百二十平", 120), ("大概两百平米", 200), ("1.5万", 15000),
    ("三百五十平方米", 350),
])
def test_an_area_is_read_with_or_without_its_unit(ask, text: str, value: float) -> None:
    assert ask("restaurant_opening", "floor_area", text).value == value


@pytest.mark.parametrize("text", ["200千瓦", "两百千瓦", "200"])
def test_kilowatts_are_not_multiplied_by_the_thousand_in_their_unit(ask, text: str) -> None:
    assert ask("utility_connection", "power_capacity", text).value == 200


@pytest.mark.parametrize("text", ["3辆", "三辆车"])
def test_a_count_is_read_as_an_integer(ask, text: str) -> None:
    value = ask("transport_company", "vehicle_count", text).value
    assert (value, type(value)) == (3, int)


@pytest.mark.parametrize("bundle_id, question_id, text", [
    ("restaurant_opening", "floor_area", "0"),              # below min 1
    ("restaurant_opening", "floor_area", "二十万"),          # above max 100000
    ("transport_company", "vehicle_count", "一万零一辆"),     # above max 10000
    ("transport_company", "vehicle_count", "两个半"),        # not a whole number of vehicles
])
def test_a_number_outside_what_the_question_allows_is_out_of_range(
    ask, bundle_id: str, question_id: str, text: str
) -> None:
    result = ask(bundle_id, question_id, text)
    assert isinstance(result, NotUnderstood) and result.reason == "out_of_range"


def test_an_out_of_range_number_says_what_was_wrong(ask) -> None:
    assert ask("restaurant_opening", "floor_area", "0").detail == "0 < 1"


def test_a_number_question_without_a_number_is_not_understood(ask) -> None:
    result = ask("restaurant_opening", "floor_area", "挺大的")
    assert isinstance(result, NotUnderstood) and result.reason == "no_match"


# -- multiple choice --------------------------------------------------------------------------

def test_all_words_choose_every_option(ask, engine: Engine) -> None:
    every = [o.value for o in engine.question("property_transfer", "utilities").options]
    assert ask("property_transfer", "utilities", "都要").value == every


@pytest.mark.parametrize("text", ["都没有", "都不要", "没有", "不要"])
def test_none_words_choose_nothing(ask, text: str) -> None:
    result = ask("property_transfer", "utilities", text)
    assert isinstance(result, Understood) and result.value == []


def test_named_options_win_over_an_all_word(ask) -> None:
    assert ask("property_transfer", "utilities", "水电都要").value == ["water", "power"]


@pytest.mark.parametrize("text, values", [
    ("宽带和有线电视", ["broadband", "cable_tv"]),
    ("天然气", ["gas"]),
    ("水电气", ["water", "power", "gas"]),
])
def test_named_options_are_chosen_in_option_order(ask, text: str, values: list) -> None:
    assert ask("property_transfer", "utilities", text).value == values


def test_a_combined_synonym_names_both_options(ask) -> None:
    result = ask("restaurant_opening", "sells_alcohol_tobacco", "烟酒都卖")
    assert result.value == ["alcohol", "tobacco"]


def test_a_negated_option_is_not_chosen(ask) -> None:
    assert ask("restaurant_opening", "sells_alcohol_tobacco", "不卖酒只卖烟").value == ["tobacco"]


def test_an_unsure_multi_answer_offers_every_option(ask) -> None:
    result = ask("utility_connection", "services", "不知道")
    assert (result.reason, len(result.options)) == ("unsure", 5)


def test_an_unrelated_multi_answer_is_not_understood(ask) -> None:
    result = ask("property_transfer", "utilities", "随便")
    assert isinstance(result, NotUnderstood) and result.reason == "no_match"


# -- unknown ids ------------------------------------------------------------------------------

def test_an_unknown_bundle_raises_unknown_bundle(ask) -> None:
    with pytest.raises(UnknownBundle):
        ask("no_such_bundle", "born_in_city", "是")


def test_an_unknown_question_raises_unknown_question(ask) -> None:
    with pytest.raises(UnknownQuestion):
        ask("newborn", "no_such_question", "是")


# -- short replies to single-choice questions --------------------------------------------------


def test_the_start_of_two_option_labels_is_ambiguous_between_them(engine: Engine) -> None:
    result = engine.interpret("property_transfer", "seller_mortgage", "有贷款", TODAY)
    assert {v for v, _ in result.options} == {"repay_first", "with_mortgage"}


def test_a_plain_no_picks_the_one_option_that_is_a_no(engine: Engine) -> None:
    assert engine.interpret("property_transfer", "buyer_loan", "没有", TODAY).value == "none"


def test_a_plain_yes_leaves_the_non_no_options_to_choose_from(engine: Engine) -> None:
    result = engine.interpret("property_transfer", "seller_mortgage", "有", TODAY)
    assert (result.reason, "none" in {v for v, _ in result.options}) == ("ambiguous", False)
