"""Stage reviewing (the filled form is shown for a check): one test per branch."""

from __future__ import annotations

import pytest

from bot.dialogue.stage import Stage
from tests.dialogue.talk import Talk


@pytest.fixture
def reviewing(talk: Talk) -> Talk:
    return talk.at(Stage.REVIEWING)


def test_it_is_reached_with_the_form_shown(reviewing: Talk) -> None:
    assert reviewing.said("confirm_form")


def test_yes_asks_for_consent(reviewing: Talk) -> None:
    reviewing.send("对的", "affirm")
    assert reviewing.stage is Stage.CONSENT


def test_no_lists_the_fields_to_correct(reviewing: Talk) -> None:
    reviewing.send("不对", "deny")
    assert reviewing.said("which_field")


def test_a_field_button_asks_for_its_correct_value(reviewing: Talk) -> None:
    reviewing.send('/correct_field{"field_id":"applicant_phone"}')
    assert (reviewing.said("ask_field_correct"), reviewing.stored().state.pending_field) == (True, "applicant_phone")


def test_a_typed_correction_changes_the_value_and_shows_the_form_again(reviewing: Talk) -> None:
    reviewing.send("电话改成13912345678", "correct_field")
    assert (reviewing.stored().state.form.get("applicant_phone"), reviewing.custom("form") is not None) == (
        "13912345678", True)


def test_a_clear_other_need_offers_the_switch(reviewing: Talk) -> None:
    reviewing.send("我还想开个饭馆，营业执照怎么办", "describe_need")
    assert reviewing.said("switch_bundle")


def test_unclear_text_offers_the_fields_to_correct(reviewing: Talk) -> None:
    reviewing.send("那个，这个要多久", "nlu_fallback")
    assert reviewing.said("which_field")
