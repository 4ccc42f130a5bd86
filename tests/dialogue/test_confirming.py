"""Stage confirming (one bundle offered for a yes or no): one test per branch."""

from __future__ import annotations

import pytest

from bot.dialogue.stage import Stage
from tests.dialogue.talk import Talk


@pytest.fixture
def confirming(talk: Talk) -> Talk:
    return talk.at(Stage.CONFIRMING)  # 新生儿出生


def test_yes_starts_the_questionnaire(confirming: Talk) -> None:
    confirming.send("对", "affirm")
    assert confirming.pending() == "born_in_city"


def test_no_offers_the_catalogue(confirming: Talk) -> None:
    confirming.send("不是", "deny")
    assert (confirming.said("route_rejected"), confirming.stage) == (True, Stage.IDLE)


def test_another_need_is_routed_instead(confirming: Talk) -> None:
    confirming.send("不对，我是想开个饭馆", "nlu_fallback")
    assert confirming.custom("bundle_choice")["candidates"][0]["bundle_id"] == "restaurant_opening"


def test_the_confirm_button_starts_the_bundle(confirming: Talk) -> None:
    confirming.press("对，就办这个")
    assert confirming.custom("question")["bundle_id"] == "newborn"


def test_facts_in_the_need_are_echoed_and_not_asked(talk: Talk) -> None:
    talk.send("我和老婆都是济南户口，孩子上周在本市医院出生了", "describe_need")
    talk.send("对", "affirm")
    assert (talk.said("understood_from_text"), talk.pending() != "born_in_city") == (True, True)
