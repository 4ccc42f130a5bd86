"""Stage choosing (a short list of bundles was offered): one test per branch."""

from __future__ import annotations

import pytest

from bot.dialogue.stage import Stage
from tests.dialogue.talk import Talk


@pytest.fixture
def choosing(talk: Talk) -> Talk:
    return talk.at(Stage.CHOOSING)  # 企业准入: business_opening, restaurant_opening, …


def test_a_number_picks_that_candidate(choosing: Talk) -> None:
    second = choosing.stored().state.candidates[1]
    choosing.send("第2个", "answer")
    assert choosing.custom("question")["bundle_id"] == second


def test_a_bundle_name_picks_it(choosing: Talk) -> None:
    choosing.send("开办餐饮店", "answer")
    assert choosing.custom("question")["bundle_id"] == "restaurant_opening"


def test_no_goes_back_to_idle(choosing: Talk) -> None:
    choosing.send("都不是", "deny")
    assert choosing.stage is Stage.IDLE


def test_chitchat_is_answered_and_the_list_offered_again(choosing: Talk) -> None:
    choosing.send("你是机器人吗", "chitchat")
    assert choosing.custom("bundle_choice") is not None


def test_a_new_need_is_routed(choosing: Talk) -> None:
    choosing.send("孩子刚出生要办什么", "describe_need")
    assert choosing.custom("bundle_choice")["candidates"][0]["bundle_id"] == "newborn"


def test_a_bundle_button_starts_it(choosing: Talk) -> None:
    choosing.send('/choose_bundle{"bundle_id":"business_opening"}')
    assert choosing.stage is Stage.ASKING
