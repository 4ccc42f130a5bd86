"""A conversation belongs to whoever holds its session token: nobody reads or acts on another's."""

from __future__ import annotations

import json
import time

import jwt
import pytest

from tests.conftest import Chat, open_session
from tests.security.http import json_of, request

pytestmark = pytest.mark.servers


def send(stack, token: str, body: dict):
    status, raw, _ = request(f"{stack.settings.rasa_url}/webhooks/rest/webhook", "POST", json.dumps(body).encode(),
                             {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    return status, json_of(raw)


def test_a_message_without_a_session_is_refused(stack) -> None:
    status, body, _ = request(f"{stack.settings.rasa_url}/webhooks/rest/webhook", "POST",
                              b'{"sender": "anyone", "message": "hi"}', {"Content-Type": "application/json"})
    assert (status, json_of(body)["error"]) == (401, "session_required")


def test_a_forged_token_is_refused(stack) -> None:
    forged = jwt.encode({"sub": "victim", "exp": int(time.time()) + 600}, "guessed-key", algorithm="HS256")
    assert send(stack, forged, {"sender": "victim", "message": "hi"})[0] == 401


def test_someone_else_s_conversation_cannot_be_written_to(stack) -> None:
    victim = Chat(stack, identity_token="demo-zhang-wei")
    victim.send('/choose_bundle{"bundle_id":"newborn"}')
    attacker = open_session(stack.settings.rasa_url)
    status, body = send(stack, attacker["session_token"], {"sender": victim.sender, "message": "/affirm"})
    assert (status, body["error"]) == (403, "session_mismatch")


def test_an_expired_token_is_refused(stack) -> None:
    expired = jwt.encode({"sub": "old", "exp": int(time.time()) - 10}, stack.settings.session_key,
                         algorithm="HS256")
    status, body = send(stack, expired, {"message": "hi"})
    assert (status, body["error"]) == (401, "session_expired")


def test_an_expired_token_gets_a_fresh_one_for_the_same_conversation(stack) -> None:
    expired = jwt.encode({"sub": "web-renewed", "exp": int(time.time()) - 10}, stack.settings.session_key,
                         algorithm="HS256")
    renewed = json_of(request(f"{stack.settings.rasa_url}/webhooks/rest/session", "POST",
                              json.dumps({"session_token": expired}).encode(),
                              {"Content-Type": "application/json"})[1])
    assert renewed["conversation_id"] == "web-renewed"


def test_an_identity_claimed_in_the_message_is_ignored(stack) -> None:
    chat = Chat(stack)  # anonymous
    chat.metadata["identity_token"] = "demo-zhang-wei"
    chat.send('/choose_bundle{"bundle_id":"social_security_card"}')
    for _ in range(15):
        if chat.custom("form", everything=True):
            break
        buttons = [b for m in chat.last for b in m.get("buttons") or []]
        chat.send(buttons[0]["payload"] if buttons else "2026年11月10日")
    form = chat.custom("form", everything=True) or {}
    assert all(f.get("source") != "identity" for f in form.get("fields", []))


def test_an_unknown_sign_in_is_refused(stack) -> None:
    status, body, _ = request(f"{stack.settings.rasa_url}/webhooks/rest/session", "POST",
                              b'{"identity_token": "demo-nobody"}', {"Content-Type": "application/json"})
    assert (status, json_of(body)["error"]) == (400, "unknown_identity")


def test_signing_in_keeps_the_same_conversation(stack) -> None:
    anonymous = open_session(stack.settings.rasa_url)
    status, raw, _ = request(f"{stack.settings.rasa_url}/webhooks/rest/session", "POST",
                             json.dumps({"session_token": anonymous["session_token"],
                                         "identity_token": "demo-zhang-wei"}).encode(),
                             {"Content-Type": "application/json"})
    assert (status, json_of(raw)["conversation_id"], json_of(raw)["signed_in"]) == (
        200, anonymous["conversation_id"], True)


def test_another_conversation_s_stream_cannot_be_read(stack) -> None:
    victim, attacker = open_session(stack.settings.rasa_url), open_session(stack.settings.rasa_url)
    url = (f"{stack.settings.portal_url}/api/v1/conversations/{victim['conversation_id']}/stream"
           f"?session={attacker['session_token']}")
    assert request(url, timeout=10)[0] == 403


def test_a_stream_without_a_session_is_refused(stack) -> None:
    victim = open_session(stack.settings.rasa_url)
    assert request(f"{stack.settings.portal_url}/api/v1/conversations/{victim['conversation_id']}/stream",
                   timeout=10)[0] == 401
