"""转人工 (steps/handoff.py): a place in the queue when someone can answer, the hotline and a call
back when nobody can; while waiting or while an agent holds it, typed words are not answers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db.tables import desk_handoffs, desk_tickets
from bot.desk.accounts import Accounts
from bot.desk.rules import Hours
from bot.dialogue.stage import Mode, Stage
from tests.dialogue.talk import Talk


def _agent_online(talk: Talk, login: str = "agent-a") -> None:
    accounts = Accounts(talk.db)
    staff = accounts.add_sync(login, "坐席甲", "correct-horse-1")
    asyncio.run(accounts.set_presence(staff.staff_id, "online"))


def _rows(talk: Talk, table) -> list:
    return talk.db.call(lambda conn: conn.execute(select(table)).all())


@pytest.fixture
def asking(talk: Talk) -> Talk:
    return talk.at(Stage.ASKING)


def test_with_nobody_online_the_bot_says_so_and_offers_the_hotline_and_a_call_back(asking: Talk) -> None:
    asking.send("转人工", "ask_human")
    buttons = [b["title"] for s in asking.last for b in s.buttons]
    assert (asking.said("handoff_nobody"), "12345" in asking.texts(), asking.custom("handoff")["state"],
            buttons, asking.stored().mode) == (True, True, "callback", ["留下电话，等回电", "不等了，继续自助办理"],
                                               Mode.WAITING)


def test_a_message_while_a_call_back_is_offered_is_not_an_answer(asking: Talk) -> None:
    pending, answers = asking.pending(), dict(asking.stored().state.answers)
    asking.send("转人工", "ask_human")
    asking.send("有人吗？", "affirm")  # the NLU might read "有" as a yes
    stored = asking.stored()
    assert (asking.said("handoff_callback_offer"), stored.state.answers, stored.state.pending_question) == (
        True, answers, pending)


def test_a_call_back_request_keeps_the_phone_in_a_ticket_and_resumes_the_question(asking: Talk) -> None:
    pending = asking.pending()
    asking.send("转人工", "ask_human")
    asking.press("留下电话")
    assert asking.said("handoff_ask_phone")
    asking.send("138000", "answer")
    assert asking.said("handoff_phone_invalid")
    asking.send("我的电话是138-0000-1234", "answer")
    tickets = _rows(asking, desk_tickets)
    assert [(t.kind, t.phone, t.conversation_id, t.state) for t in tickets] == [
        ("callback", "13800001234", asking.sender, "open")]
    assert (asking.said("handoff_callback_booked"), tickets[0].ticket_no in asking.texts(),
            "138****1234" in asking.texts(), asking.pending(), asking.stored().mode) == (
        True, True, True, pending, Mode.BOT)


def test_a_phone_typed_straight_after_the_offer_books_the_call_back(asking: Talk) -> None:
    asking.send("转人工", "ask_human")
    asking.send("13800001234", "answer")
    assert asking.said("handoff_callback_booked") and len(_rows(asking, desk_tickets)) == 1


def test_outside_the_desk_hours_the_bot_says_when_the_desk_is_open(asking: Talk) -> None:
    asking.desk.rules = asking.desk.rules.copy(update={
        "hours": [Hours.parse_obj({"days": [1], "from": "00:00", "to": "00:01"})], "hours_text": "周一 0:00–0:01"})
    _agent_online(asking)
    asking.send("转人工", "ask_human")
    assert (asking.said("handoff_closed"), "周一 0:00–0:01" in asking.texts()) == (True, True)


def test_with_an_agent_online_the_person_gets_a_place_in_the_queue(asking: Talk) -> None:
    _agent_online(asking)
    asking.send("转人工", "ask_human")
    handoff = asking.custom("handoff")
    rows = _rows(asking, desk_handoffs)
    assert (handoff["state"], handoff["ahead"], handoff["wait_minutes"] >= 1, asking.said("handoff_queued")) == (
        "waiting", 0, True, True)
    assert [(r.state, r.conversation_id, r.kind) for r in rows] == [("waiting", asking.sender, "citizen")]


def test_the_second_person_waiting_has_one_ahead(talk: Talk, engine, tmp_path) -> None:
    _agent_online(talk)
    talk.send("转人工", "ask_human")
    other = Talk(engine, tmp_path / "bot.db")
    other.send("转人工", "ask_human")
    assert other.custom("handoff")["ahead"] == 1


def test_words_while_waiting_are_kept_for_the_agent_and_are_not_answers(asking: Talk) -> None:
    _agent_online(asking)
    pending, answers = asking.pending(), dict(asking.stored().state.answers)
    asking.send("转人工", "ask_human")
    asking.send("有人吗？", "affirm")
    stored = asking.stored()
    lines = asyncio.run(asking.dialogue.store.transcript(asking.sender))
    assert (asking.said("handoff_still_waiting"), stored.state.answers, stored.state.pending_question,
            stored.mode) == (True, answers, pending, Mode.WAITING)
    assert ("person", "有人吗？") in [(line.speaker, line.text) for line in lines]


def test_leaving_the_queue_cancels_the_request_and_asks_the_pending_question_again(asking: Talk) -> None:
    _agent_online(asking)
    pending = asking.pending()
    asking.send("转人工", "ask_human")
    asking.press("不等了")
    assert (asking.said("handoff_left"), asking.pending(), asking.stored().mode,
            [r.state for r in _rows(asking, desk_handoffs)]) == (True, pending, Mode.BOT, ["cancelled"])


def test_while_an_agent_holds_the_conversation_the_bot_is_silent(asking: Talk) -> None:
    _set_mode(asking, Mode.AGENT)
    said = asking.send("你好，我想问一下材料", "ask_materials")
    lines = asyncio.run(asking.dialogue.store.transcript(asking.sender))
    assert (said, lines[-1].speaker, lines[-1].text) == ([], "person", "你好，我想问一下材料")


def test_while_an_agent_holds_it_the_choices_last_shown_are_kept(asking: Talk) -> None:
    offered = asking.stored().offered
    _set_mode(asking, Mode.AGENT)
    asking.send("在吗", "greet")
    assert asking.stored().offered == offered and offered


def test_an_agent_answering_for_the_person_runs_the_questionnaire_and_records_nothing_itself(asking: Talk) -> None:
    _set_mode(asking, Mode.AGENT)
    before = len(asyncio.run(asking.dialogue.store.transcript(asking.sender)))
    payload = next(b["payload"] for s in asking.last for b in s.buttons)
    from tests.dialogue.talk import incoming

    turn = asyncio.run(asking.dialogue.handle(incoming(payload, None, asking.sender), agent_no="0231"))
    stored = asking.stored()
    after = len(asyncio.run(asking.dialogue.store.transcript(asking.sender)))
    assert (bool(turn.says), len(stored.state.answers), stored.mode, after) == (True, 1, Mode.AGENT, before)


def _set_mode(talk: Talk, mode: Mode) -> None:
    async def hold() -> None:
        async with talk.dialogue.store.turn(talk.sender, "web") as conversation:
            conversation.mode = mode

    asyncio.run(hold())
