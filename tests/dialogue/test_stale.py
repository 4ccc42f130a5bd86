"""Buttons from an earlier turn: they never change anything silently (any stage)."""

from __future__ import annotations

from bot.dialogue.stage import Stage
from tests.dialogue.talk import Talk


def test_an_old_yes_to_an_earlier_question_is_offered_as_a_change_not_applied(talk: Talk) -> None:
    talk.send('/choose_bundle{"bundle_id":"newborn"}')
    old_no = next(b["payload"] for s in talk.last for b in s.buttons if b["title"] == "否")
    talk.send(next(b["payload"] for s in talk.last for b in s.buttons if b["title"] == "是"))
    talk.send("2026年11月10日", "answer")
    talk.send(old_no)
    assert (talk.said("stale_answer"), talk.stored().state.answers["born_in_city"]) == (True, True)


def test_confirming_the_offered_change_changes_just_that_answer(talk: Talk) -> None:
    talk.send('/choose_bundle{"bundle_id":"newborn"}')
    old_no = next(b["payload"] for s in talk.last for b in s.buttons if b["title"] == "否")
    talk.send(next(b["payload"] for s in talk.last for b in s.buttons if b["title"] == "是"))
    talk.send(old_no)
    talk.press("改成")
    assert (talk.said("answer_changed"), talk.stored().state.answers["born_in_city"]) == (True, False)


def test_keeping_the_answer_resumes_the_same_question(talk: Talk) -> None:
    talk.send('/choose_bundle{"bundle_id":"newborn"}')
    old_no = next(b["payload"] for s in talk.last for b in s.buttons if b["title"] == "否")
    talk.send(next(b["payload"] for s in talk.last for b in s.buttons if b["title"] == "是"))
    talk.send(old_no)
    talk.press("不改")
    assert talk.pending() == "child_birth_date"


def test_an_old_no_from_a_bundle_confirmation_changes_nothing(talk: Talk) -> None:
    talk.send("孩子刚出生要办什么", "describe_need")
    old_no = next(b["payload"] for s in talk.last for b in s.buttons if b["title"] == "不是，换一个")
    talk.press("对，就办这个")
    talk.send(old_no)
    assert (talk.said("stale_button"), talk.pending()) == (True, "born_in_city")


def test_an_old_bundle_button_mid_questionnaire_offers_the_switch(talk: Talk) -> None:
    talk.send('/ask_browse{"category_id":"enterprise_start"}')
    old = next(b["payload"] for s in talk.last for b in s.buttons if "餐饮" in b["title"])
    talk.send('/choose_bundle{"bundle_id":"newborn"}')
    talk.send(old)
    assert (talk.said("switch_bundle"), talk.stored().state.bundle_id) == (True, "newborn")


def test_an_old_consent_button_after_the_receipt_submits_nothing_again(talk: Talk) -> None:
    talk.at(Stage.CONSENT)
    consent = next(b["payload"] for s in talk.last for b in s.buttons if b["title"] == "同意并提交")
    talk.send(consent)
    talk.send(consent)
    assert (len(talk.handoff.drafts), talk.said("stale_button")) == (1, True)


def test_buttons_that_answer_carry_the_turn_they_were_shown_in(talk: Talk) -> None:
    talk.send('/choose_bundle{"bundle_id":"newborn"}')
    assert all('"turn":1' in b["payload"] for s in talk.last for b in s.buttons)


def test_commands_carry_no_turn_and_stay_usable(talk: Talk) -> None:
    talk.send("你好", "greet")
    assert [b["payload"] for s in talk.last for b in s.buttons] == ["/ask_browse", "/ask_human"]
