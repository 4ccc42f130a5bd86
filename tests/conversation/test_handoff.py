"""The hand-off seen from the conversation: status questions, a down API, a refused application."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest

from bot.catalogue import load_catalogue
from bot.db import open_database
from bot.dialogue.handler import Dialogue
from bot.dialogue.services import Services
from bot.dialogue.stage import Stage
from bot.dialogue.store import ConversationStore
from bot.engine.engine import Engine
from bot.handoff import HandoffClient
from bot.identity.demo import DemoIdentityProvider
from bot.launcher.process import Process
from bot.sealing import Sealer
from bot.secrets import with_secrets
from bot.settings import ROOT, Settings
from tests.conftest import Chat
from tests.conversation.driver import drive_to_receipt
from tests.dialogue.talk import incoming
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


def test_a_refused_application_tells_the_person_what_to_fix(stack, tmp_path) -> None:
    settings = with_secrets(Settings(intake_port=stack.settings.intake_port,
                                     intake_token=stack.settings.intake_token, var_dir=tmp_path))

    async def converse() -> list:
        client = HandoffClient.from_settings(settings)
        db = open_database(settings.db_url)
        services = Services(engine=Engine(load_catalogue(ROOT / "rules")),
                            identity=_MisrecordedIdentity.from_file(), handoff=client)
        dialogue = Dialogue(services, ConversationStore(db, Sealer.generated()))
        message, said = incoming('/choose_bundle{"bundle_id":"social_security_card"}', None, "refused",
                                 identity_token="demo-zhang-wei"), []
        try:
            for _ in range(40):
                turn = await dialogue.handle(message, today=date(2026, 11, 21))
                said += [s.text or "" for s in turn.says]
                if any("还没有提交成功" in t for t in said) or (await dialogue.store.find("refused")).state.stage \
                        is Stage.RATING:
                    break
                buttons = [b for s in turn.says for b in s.buttons]
                message = incoming(buttons[0]["payload"] if buttons else "测试内容", "answer", "refused",
                                   identity_token="demo-zhang-wei")
        finally:
            await client.close()
        return said

    said = run(converse())
    assert any(re.search("还没有提交成功.*身份证号码", t) for t in said)
