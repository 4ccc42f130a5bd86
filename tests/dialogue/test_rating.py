"""Stages rating and comment (好差评 after the receipt): one test per branch."""

from __future__ import annotations

import asyncio

import pytest

from bot.dialogue.stage import Stage
from tests.dialogue.talk import Talk


@pytest.fixture
def rating(talk: Talk) -> Talk:
    return talk.at(Stage.RATING)


@pytest.fixture
def commenting(talk: Talk) -> Talk:
    return talk.at(Stage.COMMENT)


def stored_ratings(talk: Talk):
    return asyncio.run(talk.ratings.all())


def test_a_star_button_records_the_rating(rating: Talk) -> None:
    rating.send('/rate{"rating":4}')
    assert [r.stars for r in stored_ratings(rating)] == [4]


def test_a_typed_rating_is_recorded(rating: Talk) -> None:
    rating.send("给5星", "rate")
    assert [r.stars for r in stored_ratings(rating)] == [5]


def test_a_rating_invites_a_comment(rating: Talk) -> None:
    rating.send('/rate{"rating":4}')
    assert rating.stage is Stage.COMMENT


def test_unclear_text_asks_for_the_rating_again(rating: Talk) -> None:
    rating.send("嗯", "nlu_fallback")
    assert (rating.said("ask_rating"), stored_ratings(rating)) == (True, [])


def test_a_status_question_is_answered_not_rated(rating: Talk) -> None:
    rating.send("我的申请到哪一步了", "ask_status")
    assert (rating.said("status"), stored_ratings(rating)) == (True, [])


def test_after_a_status_question_the_rating_is_offered_again(rating: Talk) -> None:
    # A screen retires the stars of the turn before: without them again nobody could tap a rating.
    rating.send("我的申请到哪一步了", "ask_status")
    assert (rating.said("ask_rating"), rating.stage) == (True, Stage.RATING)


def test_a_new_need_is_routed(rating: Talk) -> None:
    rating.send("我还想开个饭馆", "describe_need")
    assert rating.custom("bundle_choice")["candidates"][0]["bundle_id"] == "restaurant_opening"


def test_a_comment_is_recorded_masked(commenting: Talk) -> None:
    commenting.send("办得很快，有事打我13812345678", "nlu_fallback")
    assert stored_ratings(commenting)[-1].comment == "办得很快，有事打我138****5678"


def test_a_comment_ends_the_conversation_politely(commenting: Talk) -> None:
    commenting.send("挺好的", "nlu_fallback")
    assert (commenting.said("comment_thanks"), commenting.stage) == (True, Stage.IDLE)


def test_no_comment_records_nothing_more(commenting: Talk) -> None:
    before = len(stored_ratings(commenting))
    commenting.press("不用了")
    assert len(stored_ratings(commenting)) == before


def test_a_star_button_again_changes_the_rating(commenting: Talk) -> None:
    commenting.send('/rate{"rating":2}')
    assert [r.stars for r in stored_ratings(commenting)][-1] == 2


def test_a_status_question_after_rating_is_not_a_comment(commenting: Talk) -> None:
    before = len(stored_ratings(commenting))
    commenting.send("我的申请到哪一步了", "ask_status")
    assert (commenting.said("status"), len(stored_ratings(commenting))) == (True, before)


def test_a_clear_new_need_after_rating_is_routed_not_kept_as_a_comment(commenting: Talk) -> None:
    before = len(stored_ratings(commenting))
    commenting.send("我还想开个饭馆，营业执照怎么办", "describe_need")
    assert (commenting.custom("bundle_choice") is not None, len(stored_ratings(commenting))) == (True, before)


@pytest.mark.parametrize("text,stars", [("5", 5), ("五星", 5), ("4分", 4), ("★★★", 3), ("非常满意", 5),
                                        ("基本满意", 3), ("不满意", 2), ("非常不满意", 1)])
def test_a_rating_is_read_from_stars_numbers_and_the_five_levels(rating: Talk, text: str, stars: int) -> None:
    rating.send(text, "rate")
    assert [r.stars for r in stored_ratings(rating)] == [stars]


@pytest.mark.parametrize("text", ["3天能办好吗", "我的申请到哪一步了", "谢谢你", "第2个材料在哪交"])
def test_other_messages_after_the_receipt_are_not_ratings(rating: Talk, text: str) -> None:
    rating.send(text, "rate")
    assert stored_ratings(rating) == []


def test_a_poor_rating_asks_what_went_wrong(rating: Talk) -> None:
    rating.send('/rate{"rating":1}')
    assert rating.said("rating_sorry")
