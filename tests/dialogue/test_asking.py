"""Stage asking (a questionnaire question is pending): one test per branch."""

from __future__ import annotations

import pytest

from bot.dialogue.stage import Stage
from tests.dialogue.talk import Talk


@pytest.fixture
def asking(talk: Talk) -> Talk:
    return talk.at(Stage.ASKING)  # newborn: born_in_city pending


def test_a_button_answer_moves_on(asking: Talk) -> None:
    asking.send('/answer{"question_id":"born_in_city","value":true}')
    assert asking.pending() == "child_birth_date"


def test_a_typed_answer_is_understood(asking: Talk) -> None:
    asking.send("是在本市医院生的", "answer")
    assert asking.pending() == "child_birth_date"


def test_a_typed_answer_the_nlu_took_for_a_need_is_still_the_answer(asking: Talk) -> None:
    asking.send("在本市医院生的", "describe_need")
    assert asking.pending() == "child_birth_date"


def test_an_answer_not_understood_asks_the_same_question_again(asking: Talk) -> None:
    asking.send("那个啥呀，你说啥我没听懂", "nlu_fallback")
    assert (asking.said("answer_not_understood_hint"), asking.pending()) == (True, "born_in_city")


def test_a_second_miss_offers_unsure_and_a_human_instead_of_the_same_question(asking: Talk) -> None:
    asking.send("那个啥呀，你说啥我没听懂", "nlu_fallback")
    asking.send("哎呀这个那个的", "nlu_fallback")
    titles = [b["title"] for s in asking.last for b in s.buttons]
    assert (asking.said("answer_second_miss"), "不清楚" in titles, "转人工服务" in titles) == (True, True, True)


def test_unsure_is_an_answer_and_the_questionnaire_goes_on(asking: Talk) -> None:
    asking.send("这个我不太清楚", "answer")
    assert (asking.said("recorded_unknown"), asking.stored().state.answers.get("born_in_city")) == (True, "?")


def test_an_answer_in_the_person_s_own_words_is_echoed(asking: Talk) -> None:
    asking.send("嗯，在市一院生的", "answer")
    assert (asking.said("understood_answer"), asking.pending()) == (True, "child_birth_date")


def test_a_button_answer_is_not_echoed(asking: Talk) -> None:
    asking.send('/answer{"question_id":"born_in_city","value":true}')
    assert asking.said("understood_answer") is False


def test_a_correction_changes_just_that_earlier_answer(asking: Talk) -> None:
    for payload in ('/answer{"question_id":"born_in_city","value":true}',):
        asking.send(payload)
    asking.send("2026年11月10日", "answer")
    asking.send('/answer{"question_id":"parents_married","value":true}')
    asking.send("不对，孩子不是在本市生的", "deny")
    answers = asking.stored().state.answers
    assert (asking.said("answer_changed"), answers.get("born_in_city"), answers.get("parents_married")) == (
        True, False, True)


def test_a_date_not_understood_gets_the_date_hint(asking: Talk) -> None:
    asking.send('/answer{"question_id":"born_in_city","value":true}')
    asking.send("不太记得了那天", "answer")
    assert asking.said("answer_not_understood_date")


def test_a_clear_need_for_another_bundle_offers_the_switch(asking: Talk) -> None:
    asking.send("对了，我还想开个饭馆，营业执照怎么办", "describe_need")
    assert asking.said("switch_bundle")


def test_the_switch_offer_keeps_the_answers(asking: Talk) -> None:
    asking.send('/answer{"question_id":"born_in_city","value":true}')
    asking.send("对了，我还想开个饭馆，营业执照怎么办", "describe_need")
    assert asking.stored().state.answers.get("born_in_city") is True


def test_small_talk_that_reads_as_an_answer_is_the_answer(asking: Talk) -> None:
    asking.send("是的，谢谢", "thank")
    assert asking.pending() == "child_birth_date"


def test_small_talk_is_answered_and_the_question_repeated(asking: Talk) -> None:
    asking.send("你是机器人吗", "chitchat")
    assert (asking.said("chitchat"), asking.pending()) == (True, "born_in_city")


def test_a_button_for_a_question_that_does_not_exist_asks_the_current_one(asking: Talk) -> None:
    asking.send('/answer{"question_id":"no_such_question","value":true}')
    assert asking.pending() == "born_in_city"


def test_why_explains_and_repeats(asking: Talk) -> None:
    asking.send("为啥问这个", "ask_why")
    assert (asking.said("why"), asking.pending()) == (True, "born_in_city")


def test_back_asks_the_previous_question(asking: Talk) -> None:
    asking.send('/answer{"question_id":"born_in_city","value":true}')
    asking.send("上一步", "go_back")
    assert asking.pending() == "born_in_city"


def test_back_at_the_first_question_says_there_is_nothing_before(asking: Talk) -> None:
    asking.send("上一步", "go_back")
    assert (asking.said("nothing_to_go_back"), asking.pending()) == (True, "born_in_city")


def test_change_lists_the_answers(asking: Talk) -> None:
    asking.send('/answer{"question_id":"born_in_city","value":true}')
    asking.send("我想改一下前面的回答", "change_answer")
    assert any('"question_id":"born_in_city"' in b["payload"] for s in asking.last for b in s.buttons)


def test_change_of_one_answer_asks_it_again(asking: Talk) -> None:
    asking.send('/answer{"question_id":"born_in_city","value":true}')
    asking.send('/change_answer{"question_id":"born_in_city"}')
    assert asking.pending() == "born_in_city"


def test_materials_so_far_are_an_incomplete_notice(asking: Talk) -> None:
    asking.send("到现在要准备哪些材料", "ask_materials")
    assert (asking.custom("materials_notice")["complete"], asking.pending()) == (False, "born_in_city")


def test_start_over_asks_before_wiping_the_answers(asking: Talk) -> None:
    asking.send("重新开始", "start_over")
    assert (asking.said("restart_confirm"), asking.stored().state.bundle_id) == (True, "newborn")


def test_start_over_confirmed_forgets_the_bundle(asking: Talk) -> None:
    asking.send("重新开始", "start_over")
    asking.press("确定重新开始")
    assert asking.stored().state.bundle_id is None


def test_start_over_declined_resumes_the_same_question(asking: Talk) -> None:
    asking.send("重新开始", "start_over")
    asking.press("不了，继续办")
    assert asking.pending() == "born_in_city"


def test_a_human_is_handed_off(asking: Talk) -> None:
    asking.send("转人工", "ask_human")
    assert asking.custom("handoff") is not None


def test_another_bundle_button_starts_that_bundle(asking: Talk) -> None:
    asking.send('/choose_bundle{"bundle_id":"restaurant_opening"}')
    assert asking.custom("question")["bundle_id"] == "restaurant_opening"


def test_a_field_correction_typed_here_is_read_as_an_answer(asking: Talk) -> None:
    asking.send("不是本市", "correct_field")
    assert asking.stored().state.answers.get("born_in_city") is False


def test_a_status_question_is_answered_when_it_is_no_answer(asking: Talk) -> None:
    asking.send("我的申请到哪一步了", "ask_status")
    assert asking.said("ask_receipt_no")


def test_browse_typed_that_is_no_answer_lists_the_catalogue(asking: Talk) -> None:
    asking.send("看看都能办什么", "ask_browse")
    assert any(b["payload"].startswith("/ask_browse") for s in asking.last for b in s.buttons)


def test_a_rating_word_here_repeats_the_question(asking: Talk) -> None:
    asking.send("五星", "rate")
    assert asking.pending() == "born_in_city"


def test_an_empty_message_repeats_the_question(asking: Talk) -> None:
    asking.send("/empty_message")
    assert (asking.said("empty_message"), asking.pending()) == (True, "born_in_city")
