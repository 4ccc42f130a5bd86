"""One way in: what a turn records, and a polite answer whatever goes wrong."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from bot.db import Database
from bot.dialogue import table
from bot.dialogue.handler import Dialogue
from bot.dialogue.stage import Stage
from bot.dialogue.store import ConversationStore
from bot.engine import Engine
from bot.sealing import Sealer
from tests.dialogue.talk import Talk, incoming


def lines(talk: Talk):
    return asyncio.run(talk.dialogue.store.transcript(talk.sender))


def test_every_message_in_and_out_is_in_the_transcript(talk: Talk) -> None:
    talk.send("孩子刚出生要办什么", "describe_need")
    talk.send("对", "affirm")
    assert [line.speaker for line in lines(talk)] == ["person", "bot", "person", "bot", "bot"]


def test_a_pressed_button_is_recorded_by_the_title_the_person_saw(talk: Talk) -> None:
    talk.send("孩子刚出生要办什么", "describe_need")
    talk.press("对，就办这个")
    assert [line.text for line in lines(talk) if line.speaker == "person"][-1] == "对，就办这个"


def test_an_id_number_typed_anywhere_is_masked_in_the_transcript(talk: Talk) -> None:
    talk.send("我身份证370102198503120017，孩子刚出生", "describe_need")
    assert "370102198503120017" not in (lines(talk)[0].text or "")


def test_the_buttons_shown_are_kept_as_the_choices_offered(talk: Talk) -> None:
    talk.send('/choose_bundle{"bundle_id":"newborn"}')
    assert [c["title"] for c in talk.stored().offered] == ["是", "否"]


def test_each_person_message_counts_one_turn(talk: Talk) -> None:
    talk.send("你好", "greet")
    talk.send("孩子刚出生要办什么", "describe_need")
    assert talk.stored().turn == 2


def test_a_failing_step_gets_a_polite_reply_and_saves_nothing(talk: Talk, monkeypatch) -> None:
    talk.send('/choose_bundle{"bundle_id":"newborn"}')

    async def broken(ctx) -> None:
        raise RuntimeError("bug")

    monkeypatch.setitem(table.TABLE, "answer", {table.ANY: broken})
    talk.send("是的", "answer")
    assert (talk.said("default"), talk.stored().state.pending_question, talk.stored().turn) == (
        True, "born_in_city", 1)


def test_a_database_that_cannot_be_opened_gets_a_polite_reply(talk: Talk, tmp_path: Path) -> None:
    broken = Database(f"sqlite:///{tmp_path}")  # a directory is no database file
    dialogue = Dialogue(talk.dialogue.services, ConversationStore(broken, Sealer.generated()))
    turn = asyncio.run(dialogue.handle(incoming("你好", "greet", "x")))
    assert turn.says[0].text == talk.catalogue.messages["try_again_later"]


def test_a_conversation_held_too_long_by_another_turn_gets_a_polite_reply(engine: Engine, tmp_path: Path) -> None:
    talk = Talk(engine, tmp_path / "bot.db")
    store = ConversationStore(talk.db, Sealer.generated(), wait_s=0.3)
    dialogue = Dialogue(talk.dialogue.services, store)

    async def scenario():
        async with store.turn("busy", "web"):
            return await dialogue.handle(incoming("你好", "greet", "busy"))

    assert asyncio.run(scenario()).says[0].text == talk.catalogue.messages["conversation_busy"]


def test_a_new_conversation_starts_idle(talk: Talk) -> None:
    talk.send("你好", "greet")
    assert talk.stage is Stage.IDLE


def test_a_conversation_idle_past_the_session_time_starts_afresh(talk: Talk) -> None:
    talk.at(Stage.FILLING)
    talk.send("张测试", "answer")
    talk.dialogue.session_ttl_s = 0.0
    talk.send("你好", "greet")
    assert (talk.said("session_restarted"), talk.stored().state.form, talk.stage) == (True, {}, Stage.IDLE)


def test_who_is_signed_in_is_only_what_this_message_says(signed_in) -> None:
    talk = signed_in("demo-zhang-wei")
    talk.send('/choose_bundle{"bundle_id":"newborn"}')
    talk.identity_token = None
    talk.send("为啥问这个", "ask_why")
    assert talk.stored().state.identity_token is None


def test_the_state_and_transcript_are_sealed_at_rest(talk: Talk) -> None:
    talk.send("我电话13812345678，孩子刚出生", "describe_need")
    raw = talk.db.call(lambda conn: [*conn.exec_driver_sql("SELECT state FROM conversations").scalars(),
                                     *conn.exec_driver_sql("SELECT text FROM transcript").scalars()])
    assert raw and all(value.startswith("f1:") and "孩子" not in value for value in raw)


def test_a_message_sent_again_gets_the_same_answer_and_changes_nothing(talk: Talk) -> None:
    message = replace(incoming('/choose_bundle{"bundle_id":"newborn"}', None, talk.sender), message_id="m1")
    first = asyncio.run(talk.dialogue.handle(message))
    again = asyncio.run(talk.dialogue.handle(message))
    assert ([s.text for s in again.says], talk.stored().turn) == ([s.text for s in first.says], 1)
