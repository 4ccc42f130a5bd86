"""Redis or PostgreSQL lost while people talk: a polite "try again later", nothing half-written,
and the service comes back by itself when the engine does (the services are not restarted)."""

from __future__ import annotations

import time

import pytest

from bot.catalogue.loader import load_messages
from bot.settings import ROOT
from tests.conftest import Chat
from tests.support.aio import run
from tests.support.cluster import store_of

pytestmark = [pytest.mark.servers, pytest.mark.cluster]

TRY_AGAIN = load_messages(ROOT / "rules")["try_again_later"]


def recorded(cluster, conversation_id: str):
    store = store_of(cluster)
    conversation = run(store.find(conversation_id))
    return conversation.turn, conversation.state.stage, len(run(store.transcript(conversation_id)))


def answered_again(chat: Chat, text: str, within_s: float = 20.0) -> float:
    """Seconds until a message is answered rather than apologised for."""
    started = time.monotonic()
    while time.monotonic() - started < within_s:
        chat.send(text)
        if TRY_AGAIN not in chat.texts():
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"still apologising after {within_s:.0f}s: {chat.texts()}")


@pytest.mark.parametrize("engine", ["Redis", "PostgreSQL"])
def test_a_lost_engine_means_try_again_later_and_service_resumes_by_itself(cluster, engine: str) -> None:
    chat = Chat(cluster)
    chat.send('/choose_bundle{"bundle_id":"newborn"}')
    before = recorded(cluster, chat.sender)
    process = cluster.process(engine)
    process.stop()
    try:
        chat.send('/answer{"question_id":"born_in_city","value":true}')
        while_down = chat.texts()
    finally:
        process.start()
        process.wait_healthy(60)
    after_outage = recorded(cluster, chat.sender)
    resumed_after_s = answered_again(chat, '/answer{"question_id":"born_in_city","value":true}')
    moved_on = recorded(cluster, chat.sender)
    assert (TRY_AGAIN in while_down, after_outage == before, moved_on[0], resumed_after_s < 20) == (
        True, True, before[0] + 1, True), (while_down, before, after_outage, moved_on)
