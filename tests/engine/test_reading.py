"""bot/engine/reading.py through Engine.read_reply: free answers per kind, as a clerk takes them.

These sentences are the development set (tuning happened against them); the benchmark set in
bench/data/answers/ is kept apart. One assertion per branch.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Dict

import pytest

from bot.engine import UNKNOWN, Engine

TODAY = date(2026, 11, 21)


@pytest.fixture
def reply(engine: Engine):
    def reply(bundle_id: str, question_id: str, text: str, answers: Dict[str, Any] = None):
        return engine.read_reply(bundle_id, question_id, text, answers or {}, today=TODAY)
    return reply


def value(reading, question_id: str) -> Any:
    return reading.answers[question_id].value if question_id in reading.answers else reading.miss


# -- 1. a yes/no word followed by detail --------------------------------------------------------

@pytest.mark.parametrize("bundle_id, question_id, text, expected", [
    ("newborn", "born_in_city", "对的，就在省妇幼生的", True),
    ("newborn", "born_in_city", "不是的，孩子在青岛出生", False),
    ("business_opening", "open_bank_account", "行，一起约上吧", True),
    ("retirement", "insured_elsewhere", "没有，这辈子都在这儿干", False),
    ("veteran", "disabled_in_service", "嗯，腿上落了伤，评过等级", True),
])
def test_a_yes_or_no_first_decides_whatever_detail_follows(reply, bundle_id, question_id, text, expected) -> None:
    assert value(reply(bundle_id, question_id, text), question_id) is expected


# -- 2. short verb echoes -----------------------------------------------------------------------

@pytest.mark.parametrize("bundle_id, question_id, text, expected", [
    ("enterprise_deregistration", "has_seals", "刻过", True),
    ("enterprise_deregistration", "has_seals", "没刻", False),
    ("credit_repair", "obligations_fulfilled", "都交齐了", True),
    ("credit_repair", "obligations_fulfilled", "罚款还没缴", False),
    ("social_security_card", "activate_financial", "先不开", False),
    ("talent", "has_talent_certificate", "拿到了", True),
])
def test_a_verb_echo_answers_yes_or_no(reply, bundle_id, question_id, text, expected) -> None:
    assert value(reply(bundle_id, question_id, text), question_id) is expected


# -- 3. yes/no to a two-option question, and options in one's own words --------------------------

@pytest.mark.parametrize("text, expected", [
    ("在", "local"), ("是本市的", "local"), ("不在本市", "non_local"), ("不是，户口在老家", "non_local"),
])
def test_a_yes_or_no_reply_picks_the_option_the_question_asks_about(reply, text, expected) -> None:
    assert value(reply("newborn", "mother_hukou", text), "mother_hukou") == expected


def test_a_no_to_a_question_with_two_no_options_asks_which(reply) -> None:
    reading = reply("new_vehicle", "owner_residence", "不是")
    assert sorted(v for v, _ in reading.miss.options) == ["no_permit", "permit"]


@pytest.mark.parametrize("bundle_id, question_id, text, expected", [
    ("elderly_care", "self_care", "下地走路要拄拐杖", "partial"),
    ("business_opening", "premises", "门面是租别人的", "lease"),
    ("social_security_card", "for_whom", "给我儿子办", "child"),
    ("newborn", "settle_with", "上她妈妈那边的户口", "mother"),
    ("property_transfer", "seller_held_years", "六年了", "over_5"),
    ("elderly_care", "elder_age_band", "老太太八十七", "age_80_plus"),
])
def test_an_option_in_the_persons_own_words(reply, bundle_id, question_id, text, expected) -> None:
    assert value(reply(bundle_id, question_id, text), question_id) == expected


# -- 4. multiple choice: lists, all, none, and negation never turned into its opposite -----------

@pytest.mark.parametrize("text, expected", [
    ("供水和排水", ["water", "drainage"]),
    ("电、燃气，再加个宽带", ["power", "gas", "broadband"]),
    ("五样都要", ["water", "power", "gas", "broadband", "drainage"]),
    ("都不需要", []),
    ("除了宽带，别的都要", ["water", "power", "gas", "drainage"]),
    ("水不用，电要", ["power"]),
])
def test_a_list_reply_records_every_value_named(reply, text, expected) -> None:
    assert value(reply("utility_connection", "services", text), "services") == expected


@pytest.mark.parametrize("bundle_id, question_id, text, expected", [
    ("restaurant_opening", "sells_alcohol_tobacco", "酒不卖，烟也不卖", []),
    ("restaurant_opening", "outdoor_sign", "门头不挂", False),
    ("marriage", "extra_services", "公积金不用改了，医保要共济", ["medical_sharing"]),
    ("graduate_employment", "startup_support", "不要贷款", UNKNOWN),
])
def test_a_negated_option_is_never_recorded_as_chosen(reply, bundle_id, question_id, text, expected) -> None:
    reading = reply(bundle_id, question_id, text)
    if expected == UNKNOWN:  # denying one of two options leaves the other to ask about
        assert reading.miss.reason == "ambiguous"
    else:
        assert value(reading, question_id) == expected


# -- 5. one reply answering two questions; a first message keeping every value -------------------

def test_both_parents_in_one_reply_answer_both_hukou_questions(reply) -> None:
    reading = reply("newborn", "father_hukou", "我们夫妻俩都不是本地人", {"born_in_city": True})
    assert reading.values == {"father_hukou": "non_local", "mother_hukou": "non_local"}


def test_a_second_clause_naming_another_open_question_answers_it(reply) -> None:
    reading = reply("school_enrollment", "school_stage", "读初中，户口在外地")
    assert reading.values == {"school_stage": "junior", "child_hukou": "non_local"}


def test_a_question_no_longer_open_is_not_answered_by_the_same_reply(reply) -> None:
    reading = reply("newborn", "father_hukou", "我们夫妻俩都是本地人", {"mother_hukou": "non_local"})
    assert reading.values == {"father_hukou": "local"}


def test_a_first_message_keeps_every_value_of_a_multiple_choice(engine: Engine) -> None:
    found = engine.extract_answers("enterprise_change", "我们要迁个新地址，另外经营范围也要改")
    assert found["change_items"] == ["address", "scope"]


# -- 6. typos, homophones, pinyin, traditional characters, dialect ------------------------------

@pytest.mark.parametrize("bundle_id, question_id, text, expected", [
    ("newborn", "parents_married", "节婚了", True),
    ("newborn", "parents_married", "dui", True),
    ("marriage", "marriage_registered", "mei you", False),
    ("retirement", "has_housing_fund", "没交过公鸡金", False),
    ("medical_settlement", "treatment_place", "在濟南看的", "local"),
    ("elderly_care", "elder_hukou_local", "系啊", True),
    ("posthumous", "had_driving_licence", "冇驾照", False),
    ("talent", "spouse_job", "要得，她还没工作", True),
])
def test_mistyped_traditional_and_dialect_replies_are_understood(reply, bundle_id, question_id, text, expected) -> None:
    assert value(reply(bundle_id, question_id, text), question_id) == expected


# -- 7. need-like words are an answer to the question asked -------------------------------------

def test_a_reply_that_sounds_like_a_need_answers_the_question(reply) -> None:
    reading = reply("graduate_employment", "hukou_status", "想把户口迁到济南来")
    assert value(reading, "hukou_status") == "move_in"


# -- 8. not knowing is an answer ----------------------------------------------------------------

@pytest.mark.parametrize("text", ["不太清楚", "这个说不准", "记不得了", "拿不准是哪种"])
def test_not_knowing_is_recorded_as_unknown(reply, text) -> None:
    assert value(reply("newborn", "mother_employee_insured", text), "mother_employee_insured") == UNKNOWN


def test_an_unknown_answer_is_echoed_as_not_known(reply) -> None:
    assert reply("newborn", "mother_employee_insured", "不清楚").answers["mother_employee_insured"].display == "不清楚"


def test_a_hedge_word_that_governs_an_option_is_not_a_hedge(reply) -> None:
    assert value(reply("credit_repair", "abnormal_reason", "忘了交年报"), "abnormal_reason") == "annual_report"


# -- 9. a button's own label typed back ---------------------------------------------------------

@pytest.mark.parametrize("bundle_id, question_id, text, expected", [
    ("elderly_care", "low_income", "都不是", "none"),
    ("business_opening", "premises", "集群注册（住所托管）", "cluster"),
    ("newborn", "born_in_city", "否", False),
])
def test_a_typed_label_is_that_option(reply, bundle_id, question_id, text, expected) -> None:
    assert value(reply(bundle_id, question_id, text), question_id) == expected


def test_a_typed_label_is_not_marked_as_inferred(reply) -> None:
    assert reply("elderly_care", "low_income", "都不是").answers["low_income"].inferred is False


# -- 10. echo and correction --------------------------------------------------------------------

def test_every_answer_read_carries_a_short_display(reply) -> None:
    reading = reply("property_transfer", "utilities", "水和燃气")
    assert reading.answers["utilities"].display == "自来水、燃气（天然气）"


def test_the_echo_names_each_question_and_its_value(engine: Engine) -> None:
    text = engine.echo("newborn", {"father_hukou": "local", "mother_hukou": "local"})
    assert text == "“孩子父亲的户口在本市吗？” 本市户口；“孩子母亲的户口在本市吗？” 本市户口"


ANSWERED = {"born_in_city": True, "child_birth_date": "2026-11-10", "parents_married": True,
            "father_hukou": "local", "mother_hukou": "local"}


def _answers(engine: Engine) -> Dict[str, Any]:
    answers: Dict[str, Any] = {}
    for qid, raw in ANSWERED.items():
        answers = engine.set_answer("newborn", answers, qid, raw)
    return answers


def test_a_correction_changes_only_the_answer_of_the_person_it_names(engine: Engine) -> None:
    reading = engine.correct("newborn", _answers(engine), "弄错了，孩子爸爸户口在外地", today=TODAY)
    assert reading.values == {"father_hukou": "non_local"}


def test_a_correction_of_two_equal_candidates_goes_to_the_latest(engine: Engine) -> None:
    reading = engine.correct("newborn", _answers(engine), "不对，是外地户口", today=TODAY,
                             recent=["father_hukou", "mother_hukou"])
    assert reading.values == {"mother_hukou": "non_local"}


def test_a_correction_adding_to_a_list_keeps_what_was_there(engine: Engine) -> None:
    answers = engine.set_answer("property_transfer", {}, "utilities", ["water"])
    reading = engine.correct("property_transfer", answers, "不对，电也要过户", today=TODAY)
    assert reading.values == {"utilities": ["water", "power"]}


def test_a_correction_that_changes_nothing_is_not_understood(engine: Engine) -> None:
    reading = engine.correct("newborn", _answers(engine), "不对，我们都是本地户口", today=TODAY)
    assert reading.miss is not None


# -- bad input ----------------------------------------------------------------------------------

def test_a_reply_fitting_no_option_says_what_was_not_understood(reply) -> None:
    assert reply("newborn", "father_hukou", "他在工厂上夜班").miss.hint == "他在工厂上夜班"


def test_a_reply_fitting_no_option_offers_the_options_again(reply) -> None:
    assert [v for v, _ in reply("newborn", "father_hukou", "他在工厂上夜班").miss.options] == ["local", "non_local"]


# -- shapes found while tuning on the development set -------------------------------------------

@pytest.mark.parametrize("bundle_id, question_id, text, expected", [
    ("business_opening", "want_invoices", "不开发票不行，客户要", True),            # a negation undone
    ("retirement", "contribution_years_enough", "还差一年才满", False),             # 还差 denies
    ("social_assistance", "needs", "孩子上大学学费交不起", ["school"]),            # 交不起 is hardship
    ("property_transfer", "utilities", "除了有线电视都要", ["water", "power", "gas", "broadband"]),
    ("utility_connection", "services", "燃气要装，别的没有", ["gas"]),             # an all-word denied
    ("social_security_card", "for_whom", "给俺家孩子", "child"),                    # a lead-in and its head
    ("restaurant_opening", "outdoor_sign", "还没想好", UNKNOWN),                    # undecided is unknown
])
def test_reply_shapes_found_while_tuning(reply, bundle_id, question_id, text, expected) -> None:
    assert value(reply(bundle_id, question_id, text), question_id) == expected


@pytest.mark.parametrize("bundle_id, question_id, text", [
    ("marriage", "family_plan", "有打算"),                         # yes, but planning or pregnant?
    ("restaurant_opening", "ground_floor", "一楼，但是座位超过50个"),  # a "but" on the question's subject
    ("posthumous", "owned_property", "房子是她儿子的，她名下没有房"),  # a named yes against a topical no
])
def test_a_reply_pulling_two_ways_is_asked_again_rather_than_guessed(reply, bundle_id, question_id, text) -> None:
    assert reply(bundle_id, question_id, text).miss.reason == "ambiguous"


def test_a_change_of_subject_after_by_the_way_is_not_an_answer(reply) -> None:
    assert reply("newborn", "born_in_city", "对了，我还想开个饭馆，营业执照怎么办").miss.reason == "no_match"


def test_a_long_clause_off_the_questions_subject_is_no_yes_or_no(reply) -> None:
    assert reply("newborn", "born_in_city", "那个啥呀，你说啥我没听懂").miss.reason == "no_match"
