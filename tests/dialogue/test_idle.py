"""Stage idle (nothing under way): one test per branch of the table's idle column."""

from __future__ import annotations

from bot.dialogue.stage import Mode, Stage
from tests.dialogue.talk import Talk


def test_a_greeting_offers_the_catalogue_and_a_human(talk: Talk) -> None:
    talk.send("你好", "greet")
    assert [b["payload"] for s in talk.last for b in s.buttons] == ["/ask_browse", "/ask_human"]


def test_thanks_are_answered(talk: Talk) -> None:
    talk.send("谢谢", "thank")
    assert talk.said("thank")


def test_goodbye_is_answered(talk: Talk) -> None:
    talk.send("再见", "goodbye")
    assert talk.said("goodbye")


def test_out_of_scope_is_declined(talk: Talk) -> None:
    talk.send("帮我订个外卖", "out_of_scope")
    assert talk.said("out_of_scope")


def test_a_clear_need_is_confirmed(talk: Talk) -> None:
    talk.send("孩子刚出生要办什么", "describe_need")
    assert [c["bundle_id"] for c in talk.custom("bundle_choice")["candidates"]] == ["newborn"]


def test_a_clear_need_moves_to_confirming(talk: Talk) -> None:
    talk.send("孩子刚出生要办什么", "describe_need")
    assert talk.stage is Stage.CONFIRMING


def test_a_need_that_fits_nothing_offers_the_catalogue_and_a_human(talk: Talk) -> None:
    talk.send("asdfghjkl qwerty", "describe_need")
    assert "/ask_human" in [b["payload"] for s in talk.last for b in s.buttons]


def test_a_yes_with_nothing_asked_asks_for_the_need(talk: Talk) -> None:
    talk.send("好的", "affirm")
    assert talk.said("ask_need")


def test_unclear_text_is_routed_as_a_need(talk: Talk) -> None:
    talk.send("想开个饭馆", "nlu_fallback")
    assert talk.custom("bundle_choice")["candidates"][0]["bundle_id"] == "restaurant_opening"


def test_a_why_question_naming_a_need_is_routed(talk: Talk) -> None:
    talk.send("开饭馆为什么要做消防检查", "ask_why")
    assert talk.custom("bundle_choice")["candidates"][0]["bundle_id"] == "restaurant_opening"


def test_going_back_with_nothing_answered_says_so(talk: Talk) -> None:
    talk.send("/go_back")
    assert talk.said("nothing_to_go_back")


def test_changing_an_answer_with_no_bundle_says_so(talk: Talk) -> None:
    talk.send("/change_answer")
    assert talk.said("no_active_bundle")


def test_materials_with_no_bundle_offer_the_catalogue(talk: Talk) -> None:
    talk.send("/ask_materials")
    assert talk.said("no_active_bundle")


def test_correcting_a_field_before_any_form_says_so(talk: Talk) -> None:
    talk.send("电话写错了", "correct_field")
    assert talk.said("no_form_yet")


def test_a_status_question_without_a_receipt_asks_for_it(talk: Talk) -> None:
    talk.send("我的申请到哪一步了", "ask_status")
    assert talk.said("ask_receipt_no")


def test_a_status_question_with_an_unknown_receipt_says_not_found(talk: Talk) -> None:
    talk.send('/ask_status{"receipt_no":"YJS-20260101-ZZZZZZ"}')
    assert talk.said("status_not_found")


def test_browsing_lists_the_categories(talk: Talk) -> None:
    talk.send("/ask_browse")
    assert all(b["payload"].startswith("/ask_browse{") for s in talk.last for b in s.buttons)


def test_a_rating_word_with_nothing_to_rate_is_small_talk(talk: Talk) -> None:
    talk.send("五星好评", "rate")
    assert talk.said("chitchat")


def test_start_over_says_so(talk: Talk) -> None:
    talk.send("/start_over")
    assert talk.said("start_over")


def test_asking_for_a_human_hands_off(talk: Talk) -> None:
    talk.send("转人工", "ask_human")
    assert talk.custom("handoff")["reason"] == "asked_by_user"


def test_asking_for_a_human_sets_the_mode_to_waiting(talk: Talk) -> None:
    talk.send("转人工", "ask_human")
    assert talk.stored().mode is Mode.WAITING


def test_an_empty_message_says_so(talk: Talk) -> None:
    talk.send("/empty_message")
    assert talk.said("empty_message")


def test_resume_with_nothing_pending_asks_for_the_need(talk: Talk) -> None:
    talk.send("/resume")
    assert talk.said("ask_need")


def test_a_bundle_button_starts_its_questionnaire(talk: Talk) -> None:
    talk.send('/choose_bundle{"bundle_id":"newborn"}')
    assert talk.pending() == "born_in_city"
