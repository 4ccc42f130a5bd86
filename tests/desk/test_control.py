"""Taking over, talking, acting for the person and giving back (bot/desk/control.py), in process:
the desk and the dialogue share one SQLite database, as the portal and the action server do."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db.tables import desk_handoffs
from bot.desk import control
from bot.desk.control import DeskError
from bot.dialogue.stage import Mode
from tests.desk.conftest import LocalDesk


def _row(local: LocalDesk, sender: str):
    return local.db.call(lambda conn: conn.execute(select(desk_handoffs).where(
        desk_handoffs.c.conversation_id == sender).order_by(desk_handoffs.c.id.desc())).first())


def _pushed(local: LocalDesk, sender: str):
    return [(line.speaker, line.text, line.data) for line in local.lines(sender) if line.pushed]


def _pending(local: LocalDesk, sender: str) -> str:
    return local.run(local.desk.store.find(sender)).state.pending_question


def test_taking_a_conversation_tells_the_person_who_joined(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    local.run(control.take(local.desk, agent, sender))
    speaker, text, data = _pushed(local, sender)[-1]
    assert (local.run(local.desk.store.find(sender)).mode, _row(local, sender).state, speaker,
            f"{agent.staff_id}号为您服务" in text, data["custom"]["state"], data["custom"]["agent_no"]) == (
        Mode.AGENT, "taken", "system", True, "agent", agent.staff_id)


def test_of_two_agents_taking_the_same_conversation_one_wins_and_the_other_is_told(local: LocalDesk) -> None:
    first, second = local.staff(), local.staff()
    sender = local.citizen_waiting()

    async def both():
        return await asyncio.gather(control.take(local.desk, first, sender), control.take(local.desk, second, sender),
                                    return_exceptions=True)

    results = local.run(both())
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, DeskError)]
    assert (len(won), [e.code for e in lost], lost[0].detail["holder"] == won[0].agent_id) == (1, ["taken"], True)


def test_an_agent_at_capacity_cannot_take_another(local: LocalDesk) -> None:
    agent = local.staff(capacity=1)
    local.run(control.take(local.desk, agent, local.citizen_waiting()))
    with pytest.raises(DeskError) as refused:
        local.run(control.take(local.desk, agent, local.citizen_waiting()))
    assert refused.value.code == "at_capacity"


def test_take_next_takes_whoever_waited_longest(local: LocalDesk) -> None:
    agent = local.staff()
    first = local.citizen_waiting()
    local.now += 5
    local.citizen_waiting()
    assert local.run(control.take_next(local.desk, agent)).conversation_id == first


def test_a_person_who_stopped_waiting_cannot_be_taken(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    local.say(sender, "/resume")
    with pytest.raises(DeskError) as refused:
        local.run(control.take(local.desk, agent, sender))
    assert refused.value.code == "not_waiting"


def test_while_an_agent_holds_it_the_bot_is_silent_and_the_agent_gets_the_words(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    local.run(control.take(local.desk, agent, sender))
    said = local.say(sender, "我想问一下出生医学证明在哪里开", "ask_materials")
    last = local.lines(sender)[-1]
    assert (said, last.speaker, last.text) == ([], "person", "我想问一下出生医学证明在哪里开")


def test_the_agent_s_words_reach_the_person_as_a_pushed_message(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    local.run(control.take(local.desk, agent, sender))
    local.run(control.say(local.desk, agent, sender, "您好，我来帮您"))
    local.run(control.say(local.desk, agent, sender, "", canned_id="wait_a_moment"))
    assert [(s, t) for s, t, _ in _pushed(local, sender)][-2:] == [
        ("agent", "您好，我来帮您"), ("agent", local.desk.rules.canned_text("wait_a_moment"))]


def test_only_the_agent_holding_it_may_write_or_act(local: LocalDesk) -> None:
    holder, other = local.staff(), local.staff()
    sender = local.citizen_waiting()
    local.run(control.take(local.desk, holder, sender))
    with pytest.raises(DeskError) as refused:
        local.run(control.say(local.desk, other, sender, "我来"))
    assert refused.value.code == "not_yours"


def test_an_agent_answers_the_pending_question_for_the_person(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    local.run(control.take(local.desk, agent, sender))
    before = _pending(local, sender)
    offered = local.run(local.desk.store.find(sender)).offered
    local.run(control.act(local.desk, agent, sender, payload=offered[0]["payload"]))
    stored = local.run(local.desk.store.find(sender))
    acted = [t for s, t, _ in _pushed(local, sender) if s == "agent"][-1]
    assert (before in stored.state.answers, stored.mode, offered[0]["title"] in acted,
            _pushed(local, sender)[-1][0]) == (True, Mode.AGENT, True, "bot")


def test_a_choice_the_bot_no_longer_offers_is_refused(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    local.run(control.take(local.desk, agent, sender))
    with pytest.raises(DeskError) as refused:
        local.run(control.act(local.desk, agent, sender, payload='/choose_bundle{"bundle_id":"marriage"}'))
    assert refused.value.code == "stale_choice"


def test_giving_back_resumes_the_bot_at_the_same_question(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    pending = _pending(local, sender)
    local.run(control.take(local.desk, agent, sender))
    local.run(control.give_back(local.desk, agent, sender))
    pushed = _pushed(local, sender)
    returned = next(d for s, t, d in pushed if d and (d.get("custom") or {}).get("state") == "bot")
    question = [d["custom"] for s, t, d in pushed if d and (d.get("custom") or {}).get("type") == "question"][-1]
    assert (local.run(local.desk.store.find(sender)).mode, _row(local, sender).state, returned["custom"]["agent_no"],
            question["question_id"]) == (Mode.BOT, "returned", agent.staff_id, pending)
    # and the bot answers the person again
    assert local.say(sender, "你好", "greet")


def test_an_agent_whose_desk_went_quiet_loses_the_conversation_back_to_the_queue(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    requested = _row(local, sender).requested_at
    local.run(control.take(local.desk, agent, sender))
    local.now += local.settings.desk_agent_timeout_s + 1
    assert local.run(control.requeue_lost(local.desk)) == 1
    row = _row(local, sender)
    speaker, text, data = _pushed(local, sender)[-1]
    assert (row.state, row.agent_id, row.requested_at, local.run(local.desk.store.find(sender)).mode,
            data["custom"]["state"], f"{agent.staff_id}号的连接断开了" in text) == (
        "waiting", None, requested, Mode.WAITING, "waiting", True)


def test_an_agent_still_polling_keeps_the_conversation(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    local.run(control.take(local.desk, agent, sender))
    local.now += local.settings.desk_agent_timeout_s - 1
    local.run(local.desk.accounts.heartbeat(agent.staff_id))
    local.now += 2
    assert (local.run(control.requeue_lost(local.desk)), _row(local, sender).state) == (0, "taken")


def test_every_take_and_give_back_is_audited(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    local.run(control.take(local.desk, agent, sender))
    local.run(control.give_back(local.desk, agent, sender))
    entries = local.run(local.desk.audit.recent(conversation_id=sender))
    assert [(e.staff_id, e.action) for e in reversed(entries)] == [(agent.staff_id, "take"),
                                                                   (agent.staff_id, "give_back")]


def test_people_waiting_when_every_agent_has_gone_are_told_once_and_offered_a_call_back(local: LocalDesk) -> None:
    agent = local.staff()
    sender = local.citizen_waiting()
    local.run(local.desk.accounts.set_presence(agent.staff_id, "away"))
    local.now += 10
    told = [local.run(control.tell_nobody_online(local.desk)), local.run(control.tell_nobody_online(local.desk))]
    speaker, text, data = _pushed(local, sender)[-1]
    assert (told, "都不在线" in text, [b["payload"] for b in data["buttons"]]) == (
        [1, 0], True, ['/ask_human{"value":"callback"}', "/resume"])
    local.say(sender, '/ask_human{"value":"callback"}')
    local.say(sender, "13800005555", "answer")
    tickets = local.run(local.desk.tickets.listing(kind="callback"))
    assert [(t.phone, t.conversation_id) for t in tickets] == [("13800005555", sender)]


def test_nobody_is_told_while_an_agent_is_online(local: LocalDesk) -> None:
    agent = local.staff()
    local.citizen_waiting()
    local.now += 6  # waited past the grace, and the agent's desk page just polled
    local.run(local.desk.accounts.heartbeat(agent.staff_id))
    assert local.run(control.tell_nobody_online(local.desk)) == 0
