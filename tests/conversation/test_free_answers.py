"""Free answers over HTTP, through the real NLU: each kind of reply a clerk would take, the echo
of what was read, a correction, "不知道", and a change of subject mid-questionnaire."""

from __future__ import annotations

from typing import Optional

import pytest

from tests.conftest import Chat

pytestmark = pytest.mark.servers


def pending(chat: Chat) -> Optional[str]:
    question = chat.custom("question")
    return question["question_id"] if question else None


def reach(stack, bundle_id: str, question_id: str) -> Chat:
    """A conversation of `bundle_id` whose pending question is `question_id`, earlier questions
    answered by their first button (dates typed)."""
    chat = Chat(stack)
    chat.send(f'/choose_bundle{{"bundle_id":"{bundle_id}"}}')
    for _ in range(15):
        if pending(chat) == question_id:
            return chat
        buttons = [b for m in chat.last for b in m.get("buttons") or [] if '"question_id"' in b["payload"]]
        chat.send(buttons[0]["payload"] if buttons else "2026年11月10日")
    raise AssertionError(f"{question_id} was never asked in {bundle_id}")


def test_a_yes_with_detail_answers_and_is_echoed(stack) -> None:
    chat = reach(stack, "newborn", "born_in_city")
    chat.send("嗯，是在省立医院生的")
    assert (pending(chat), "记下了" in chat.texts()) == ("child_birth_date", True)


def test_a_short_verb_echo_answers(stack) -> None:
    chat = reach(stack, "restaurant_opening", "has_business_licence")
    chat.send("早就办好了")
    assert pending(chat) not in (None, "has_business_licence")


def test_a_yes_to_a_two_option_question_asked_as_yes_or_no(stack) -> None:
    chat = reach(stack, "newborn", "father_hukou")
    chat.send("在的")
    assert "本市户口" in chat.texts()


def test_an_option_in_the_person_s_own_words(stack) -> None:
    chat = reach(stack, "newborn", "father_hukou")
    chat.send("他是本地人")
    assert ("本市户口" in chat.texts(), pending(chat)) == (True, "mother_hukou")


def test_a_negated_list_is_never_recorded_as_its_opposite(stack) -> None:
    chat = reach(stack, "restaurant_opening", "sells_alcohol_tobacco")
    chat.send("烟不卖，酒也不卖")
    assert "都没有" in chat.texts().split("记下了")[-1].split("如果不对")[0]


def test_one_reply_answers_two_questions(stack) -> None:
    chat = reach(stack, "newborn", "father_hukou")
    chat.send("我俩都是本市户口")
    assert pending(chat) not in ("father_hukou", "mother_hukou")


def test_traditional_characters_are_read(stack) -> None:
    chat = reach(stack, "newborn", "born_in_city")
    chat.send("是在本市醫院生的")
    assert pending(chat) == "child_birth_date"


def test_need_like_words_mid_questionnaire_answer_the_question(stack) -> None:
    chat = reach(stack, "graduate_employment", "hukou_status")
    chat.send("户口要迁过来")
    assert pending(chat) != "hukou_status" and chat.custom("bundle_choice") is None


def test_a_button_label_typed_back_is_that_option(stack) -> None:
    chat = reach(stack, "newborn", "father_hukou")
    chat.send("外地户口")
    assert (pending(chat), "记下了" in chat.texts()) == ("mother_hukou", False)  # exact: no need to echo


def test_unsure_is_an_answer_and_the_notice_says_what_depends_on_it(stack) -> None:
    chat = reach(stack, "newborn", "mother_employee_insured")
    chat.send("这个我也不太清楚")
    for _ in range(6):
        if chat.custom("materials_notice", everything=True):
            break
        buttons = [b for m in chat.last for b in m.get("buttons") or [] if '"question_id"' in b["payload"]]
        chat.send(buttons[0]["payload"] if buttons else "2026年11月10日")
    notice = chat.custom("materials_notice", everything=True)
    assert notice and notice["depends"], chat.history[-3:]


def test_a_correction_changes_just_that_answer(stack) -> None:
    chat = reach(stack, "newborn", "mother_hukou")
    chat.send("不对，孩子他爸是外地户口")
    assert ("已改为" in chat.texts(), "外地户口" in chat.texts()) == (True, True)


def test_a_real_change_of_subject_is_asked_about_and_declining_resumes(stack) -> None:
    chat = reach(stack, "newborn", "parents_married")
    chat.send("对了，我还想开个饭馆，营业执照和食品经营许可怎么办")
    asked = chat.custom("bundle_choice")
    chat.press("继续办")
    assert (asked is not None, pending(chat)) == (True, "parents_married")


def test_two_misses_offer_unsure_and_a_human(stack) -> None:
    chat = reach(stack, "newborn", "born_in_city")
    chat.send("那个那个，哎呀")
    chat.send("就是那个嘛")
    titles = [b["title"] for m in chat.last for b in m.get("buttons") or []]
    assert ("不清楚" in titles, "转人工服务" in titles) == (True, True)
