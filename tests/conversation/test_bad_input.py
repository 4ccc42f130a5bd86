"""Bad input on the REST endpoint: a polite reply or a 400 with a JSON error, never a 500,
and the next normal message still works."""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.request

import pytest

from tests.conftest import Chat, open_session, post_json

pytestmark = pytest.mark.servers


def post_raw(stack, body: bytes, content_type: str = "application/json", token: str = ""):
    token = token or open_session(stack.settings.rasa_url)["session_token"]
    request = urllib.request.Request(f"{stack.settings.rasa_url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": content_type, "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("message", [
    "", "   \t\n ", "😀😀😀", "<script>alert(1)</script><b>hi</b>", "\x00\x01\x02\x1b[31m",
    "你好\u200b\u202e", "x" * 10_000, "".join(chr(random.Random(7).randint(0x20, 0xFFFF)) for _ in range(300)),
], ids=["empty", "whitespace", "emoji", "html", "control", "zero-width", "10k", "random"])
def test_odd_messages_get_a_polite_reply_and_the_conversation_goes_on(stack, message: str) -> None:
    chat = Chat(stack)
    reply = chat.send(message)
    chat.send("/choose_bundle{\"bundle_id\":\"newborn\"}")
    assert (bool(reply) and all(m.get("text") for m in reply), chat.custom("question") is not None) == (True, True)


def test_an_over_long_message_is_answered_with_a_truncation_notice(stack) -> None:
    chat = Chat(stack)
    chat.send("孩子出生了" + "啊" * 3000)
    assert "太长" in chat.last[0]["text"]


def test_html_is_never_echoed_back_as_markup(stack) -> None:
    chat = Chat(stack)
    chat.send("<img src=x onerror=alert(1)>")
    assert all("<img" not in (m.get("text") or "") for m in chat.last)


@pytest.mark.parametrize("body", [b"{not json", b"[]", b"\xff\xfe\xfa", b'{"sender": "", "message": "hi"}',
                                  b'{"message": {"x": 1}}', b'{"sender": 5, "message": "hi"}',
                                  b'{"message": "hi", "message_id": "x"}',
                                  b'{"message": "hi", "message_id": 12345678}'],
                         ids=["malformed", "array", "bytes", "empty-sender", "object-message", "number-sender",
                              "short-message-id", "number-message-id"])
def test_malformed_requests_get_a_4xx_with_a_json_error(stack, body: bytes) -> None:
    status, payload = post_raw(stack, body)
    assert (400 <= status < 500, "error" in payload) == (True, True)


def test_after_a_malformed_request_the_same_conversation_still_talks(stack) -> None:
    token = open_session(stack.settings.rasa_url)["session_token"]
    post_raw(stack, b'{"message": {"x": 1}}', token=token)
    status, payload = post_raw(stack, json.dumps({"message": "你好"}).encode(), token=token)
    assert (status, bool(payload)) == (200, True)


def test_a_typed_slash_command_that_is_not_a_payload_is_treated_as_text(stack) -> None:
    chat = Chat(stack)
    chat.send("/not_an_intent{broken")
    assert chat.last and all(m.get("text") for m in chat.last)


def test_a_message_sent_again_with_its_id_is_answered_once(stack) -> None:
    """A retry after a lost reply (the widget sends the same message id): the same answer, and
    the answer is not taken a second time for the next question."""
    chat = Chat(stack)
    chat.send('/choose_bundle{"bundle_id":"newborn"}')
    body = {"sender": chat.sender, "message": "是的", "message_id": "p8-retry-0001", "metadata": {"channel": "web"}}
    first = post_json(chat.url, body, chat.token)
    again = post_json(chat.url, body, chat.token)
    assert again == first
    # Without the dedup the same words would differ: a new id is a new message, which the next
    # question (the birth date) hears.
    after = post_json(chat.url, {**body, "message_id": "p8-retry-0002"}, chat.token)
    assert after != first
