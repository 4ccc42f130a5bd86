"""The hand-off seen from the conversation: status questions, a down API, a refused application."""

from __future__ import annotations

import json
import re
import time
from datetime import date

import pytest

from bot.catalogue import load_catalogue
from bot.dialogue.controller import Conversation, Incoming
from bot.dialogue.services import Services
from bot.dialogue.state import ConversationState
from bot.engine.engine import Engine
from bot.handoff import HandoffClient
from bot.identity.demo import DemoIdentityProvider
from bot.launcher.process import Process
from bot.settings import ROOT, Settings
from tests.conftest import Chat
from tests.conversation.driver import drive_to_receipt
from tests.support.aio import run

pytestmark = pytest.mark.servers


def _intake(stack) -> Process:
    return next(p for p in stack.processes if p.name == "intake API")


def test_asking_about_the_application_answers_from_the_application_api(stack, catalogue) -> None:
    chat = Chat(stack)
    application = drive_to_receipt(chat, catalogue, "社保卡丢了要补办", "social_security_card")
    chat.send("我的申请到哪一步了")
    assert application["receipt_no"] in chat.texts() and "已提交" in chat.texts()


def test_asking_about_an_unknown_receipt_number_says_it_was_not_found(stack) -> None:
    chat = Chat(stack)
    chat.send("帮我查一下进度 YJS-20260101-ZZZZZZ")
    assert "没有查到" in chat.texts()


def test_with_the_api_down_the_receipt_is_queued_and_later_delivered_once(stack, catalogue) -> None:
    intake = _intake(stack)
    intake.stop()
    try:
        chat = Chat(stack)
        queued = drive_to_receipt(chat, catalogue, "社保卡丢了要补办", "social_security_card")
    finally:
        intake.start()
        intake.wait_healthy(60)
    assert queued["status"] == "queued"
    # The action server's outbox worker delivers it; the provisional reference keeps working.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        chat.send(f"查一下进度 {queued['receipt_no']}")
        if "已提交" in chat.texts():
            break
        time.sleep(1)
    assert "已提交" in chat.texts()


class _MisrecordedIdentity(DemoIdentityProvider):
    """The identity register holds a mistyped ID number for this person: only the
    application API's own check can catch it."""

    async def lookup(self, token):
        person = await super().lookup(token)
        last = "0" if person.id_number[-1] != "0" else "1"
        return person.copy(update={"id_number": person.id_number[:-1] + last})


def _payload_incoming(say_buttons, sender: str, token: str) -> Incoming:
    """Press the first button, as Rasa would parse its payload."""
    payload = say_buttons[0]["payload"]
    intent, _, body = payload[1:].partition("{")
    entities = []
    if body:
        for key, value in json.loads("{" + body).items():
            for one in value if isinstance(value, list) else [value]:
                entities.append({"entity": key, "value": one})
    return Incoming(text=payload, intent=intent, entities=entities, sender_id=sender, identity_token=token)


def test_a_refused_application_tells_the_person_what_to_fix(stack) -> None:
    settings = Settings(intake_port=stack.settings.intake_port, intake_token=stack.settings.intake_token,
                        var_dir=stack.settings.var_dir / "refused")

    async def converse() -> list:
        client = HandoffClient.from_settings(settings)
        services = Services(engine=Engine(load_catalogue(ROOT / "rules")),
                            identity=_MisrecordedIdentity.from_file(), handoff=client)
        state, said = ConversationState(), []
        incoming = Incoming(text='/choose_bundle{"bundle_id":"social_security_card"}', intent="choose_bundle",
                            entities=[{"entity": "bundle_id", "value": "social_security_card"}],
                            sender_id="refused", identity_token="demo-zhang-wei")
        try:
            for _ in range(40):
                step = Conversation.choose if incoming.intent == "choose_bundle" else Conversation.reply
                turn = await step(Conversation(services, state, incoming, today=date(2026, 11, 21)))
                state, said = turn.state, said + [s.text or "" for s in turn.says]
                if state.stage == "rating" or any("还没有提交成功" in t for t in said):
                    break
                buttons = [b for s in turn.says for b in s.buttons]
                incoming = _payload_incoming(buttons, "refused", "demo-zhang-wei") if buttons else Incoming(
                    text="测试内容", intent="answer", sender_id="refused", identity_token="demo-zhang-wei")
        finally:
            await client.close()
        return said

    said = run(converse())
    assert any(re.search("还没有提交成功.*身份证号码", t) for t in said)
