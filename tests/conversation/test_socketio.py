"""The socket.io channel speaks the same contract as REST: one bot_uttered per bot message."""

from __future__ import annotations

import time
from typing import Any, Iterator, List, Tuple

import pytest
import socketio

from tests.conftest import Chat, open_session

pytestmark = pytest.mark.servers


class SocketChat:
    """One socket.io connection (long-polling, as a browser client starts) for several sessions."""

    def __init__(self, url: str) -> None:
        self.events: List[Tuple[str, Any]] = []
        self.client = socketio.Client()
        self.client.on("*", lambda event, data: self.events.append((event, data)))
        self.client.connect(url, transports=["polling"], socketio_path="/socket.io")

    def _wait_for(self, event: str, since: int, timeout_s: float = 15.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not any(e == event for e, _ in self.events[since:]):
            time.sleep(0.05)
        time.sleep(0.3)  # let the rest of the turn's messages arrive

    def session(self, token: str) -> None:
        before = len(self.events)
        self.client.emit("session_request", {"session_token": token})
        self._wait_for("session_confirm", before)

    def say(self, message: str) -> List[dict]:
        before = len(self.events)
        self.client.emit("user_uttered", {"message": message, "metadata": {"channel": "web"}})
        self._wait_for("bot_uttered", before)
        return [data for event, data in self.events[before:] if event == "bot_uttered"]

    def close(self) -> None:
        # abort: do not wait for the pending long-poll to come back.
        self.client.eio.disconnect(abort=True)


@pytest.fixture(scope="module")
def socket_chat(stack) -> Iterator[SocketChat]:
    chat = SocketChat(stack.settings.rasa_url)
    yield chat
    chat.close()


def test_a_session_request_is_confirmed_with_the_conversation_id(stack, socket_chat: SocketChat) -> None:
    session = open_session(stack.settings.rasa_url)
    socket_chat.session(session["session_token"])
    assert ("session_confirm", session["conversation_id"]) in socket_chat.events


def test_a_session_request_without_a_valid_token_is_refused(socket_chat: SocketChat) -> None:
    before = len(socket_chat.events)
    socket_chat.session("forged.token.value")
    assert ("session_error", {"error": "session_invalid"}) in socket_chat.events[before:]


def test_bot_messages_carry_text_buttons_and_custom_together(stack, socket_chat: SocketChat) -> None:
    socket_chat.session(open_session(stack.settings.rasa_url)["session_token"])
    uttered = socket_chat.say("孩子刚出生要办什么")
    assert any(m.get("text") and m.get("buttons") and m.get("custom", {}).get("type") == "bundle_choice"
               for m in uttered)


def test_the_socket_conversation_is_the_same_conversation_over_rest(stack, socket_chat: SocketChat) -> None:
    session = open_session(stack.settings.rasa_url)
    socket_chat.session(session["session_token"])
    socket_chat.say('/choose_bundle{"bundle_id":"newborn"}')
    chat = Chat(stack, session=session)
    chat.send("为啥问这个")
    assert chat.custom("question")["question_id"] == "born_in_city"


def test_an_empty_socket_message_gets_a_polite_reply(stack, socket_chat: SocketChat) -> None:
    socket_chat.session(open_session(stack.settings.rasa_url)["session_token"])
    assert any(m.get("text") for m in socket_chat.say("   "))
