"""Stage filling (a form field's value is awaited): one test per branch."""

from __future__ import annotations

import pytest

from bot.dialogue.stage import Stage
from tests.dialogue.talk import Talk


@pytest.fixture
def filling(talk: Talk) -> Talk:
    return talk.at(Stage.FILLING)  # newborn, anonymous: the applicant's name is asked first


def field(talk: Talk) -> str:
    return talk.stored().state.pending_field


def test_a_typed_value_fills_the_field_and_asks_the_next(filling: Talk) -> None:
    first = field(filling)
    filling.send("张测试", "answer")
    assert (filling.stored().state.form.get(first), field(filling) != first) == ("张测试", True)


def test_a_value_the_nlu_took_for_small_talk_is_still_the_value(filling: Talk) -> None:
    first = field(filling)
    filling.send("王小明", "greet")
    assert filling.stored().state.form.get(first) == "王小明"


def test_an_invalid_value_says_what_is_wrong_and_asks_again(filling: Talk) -> None:
    while filling.stored().state.pending_field != "applicant_id_number":
        filling.send("张测试" if "name" in field(filling) else "测试", "answer")
    filling.send("123", "answer")
    assert (filling.said("field_invalid"), field(filling)) == (True, "applicant_id_number")


def test_a_pressed_browse_button_is_not_taken_as_the_value(filling: Talk) -> None:
    first = field(filling)
    filling.send("/ask_browse")
    assert first not in filling.stored().state.form


def test_why_explains_the_field_and_asks_it_again(filling: Talk) -> None:
    first = field(filling)
    filling.send("为什么要填这个", "ask_why")
    assert (filling.said("why_field"), field(filling)) == (True, first)


def test_a_correction_of_another_field_keeps_that_value(filling: Talk) -> None:
    filling.send("电话是13912345678", "correct_field")
    assert filling.stored().state.form.get("applicant_phone") == "13912345678"


def test_back_returns_to_the_questionnaire(filling: Talk) -> None:
    filling.send("上一步", "go_back")
    assert filling.stage is Stage.ASKING


def test_a_pressed_status_button_asks_for_the_receipt(filling: Talk) -> None:
    filling.send("/ask_status")
    assert filling.said("ask_receipt_no")


def test_the_typed_name_is_masked_in_the_transcript(filling: Talk) -> None:
    import asyncio

    filling.send("欧阳娜娜", "answer")
    lines = asyncio.run(filling.dialogue.store.transcript(filling.sender))
    assert [line.text for line in lines if line.speaker == "person"][-1] == "欧阳**"


def test_signing_in_mid_form_shows_the_form_prefilled(engine, tmp_path) -> None:
    from tests.dialogue.talk import Talk

    talk = Talk(engine, tmp_path / "bot.db").at(Stage.FILLING)
    talk.identity_token = "demo-zhang-wei"
    talk.send("/resume")
    sources = {f["field_id"]: f["source"] for f in talk.custom("form")["fields"]}
    assert sources.get("applicant_name") == "identity"


@pytest.mark.parametrize("bundle_id", ["newborn", "business_opening", "restaurant_opening", "posthumous",
                                       "social_security_card", "retirement"])
def test_a_form_is_called_prefilled_only_when_something_was(talk: Talk, bundle_id: str) -> None:
    talk.at(Stage.ASKING, bundle_id)
    talk.at(Stage.FILLING, bundle_id) if talk.stage is not Stage.FILLING else None
    form = next((s.custom for s in talk.last if (s.custom or {}).get("type") == "form"), None)
    intro = next((s.text for s in talk.last if (s.custom or {}).get("type") == "form"), "")
    prefilled = sum(1 for f in (form or {}).get("fields", []) if f["source"] and f["source"] != "applicant")
    assert ("已自动填好" in intro) == (prefilled > 0)
