"""The whole cluster stopped and started again: a conversation half-way goes on where it was, a
submitted application is still known, and an application queued while the application API was
down is delivered after the restart."""

from __future__ import annotations

import time

import pytest

from bot.db import open_database
from bot.handoff.outbox import Outbox
from bot.sealing import Sealer
from tests.conftest import Chat
from tests.conversation.driver import drive_to_receipt
from tests.support.aio import run

pytestmark = [pytest.mark.servers, pytest.mark.cluster]


def outbox_state(cluster, provisional_ref: str) -> str:
    outbox = Outbox(open_database(cluster.settings.db_url, durable=True), Sealer.from_settings(cluster.settings))
    return run(outbox.find(provisional_ref)).state


def test_conversations_applications_and_queued_items_survive_a_restart(cluster, catalogue) -> None:
    submitted_chat = Chat(cluster)
    submitted = drive_to_receipt(submitted_chat, catalogue, "社保卡丢了要补办", "social_security_card")
    halfway = Chat(cluster)
    halfway.send('/choose_bundle{"bundle_id":"newborn"}')
    halfway.send('/answer{"question_id":"born_in_city","value":true}')
    pending = halfway.custom("question")["question_id"]
    cluster.process("intake API").stop()
    queued_chat = Chat(cluster)
    queued = drive_to_receipt(queued_chat, catalogue, "社保卡丢了要补办", "social_security_card")
    queued_before = outbox_state(cluster, queued["receipt_no"])

    cluster.stop()
    cluster.start()

    halfway.send("为啥要问这个")
    still_pending = halfway.custom("question")["question_id"]
    submitted_chat.send(f"查一下进度 {submitted['receipt_no']}")
    known = "已提交" in submitted_chat.texts()
    deadline = time.monotonic() + 60
    while outbox_state(cluster, queued["receipt_no"]) != "delivered" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert (queued["status"], queued_before, outbox_state(cluster, queued["receipt_no"]), still_pending, known) == (
        "queued", "pending", "delivered", pending, True)
