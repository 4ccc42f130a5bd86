"""After whole conversations to a receipt, no raw ID number or phone is anywhere under var/:
not in the conversation store, its transcript or WAL, the outbox, the intake database, the logs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import List

import pytest

from tests.conftest import Chat
from tests.conversation.driver import drive_to_receipt

pytestmark = pytest.mark.servers

ZHANG_WEI_ID, ZHANG_WEI_PHONE = "370102198805120017", "13800000001"  # bot/identity/demo_people.yml
TYPED_PHONE = "13987650123"


def files_holding(root: Path, needles: List[str]) -> List[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.relative_to(root)}: {n}" for n in needles if n.encode() in data]
    return found


def test_no_raw_id_number_or_phone_is_kept_after_conversations_to_receipt(stack, catalogue) -> None:
    signed_in = Chat(stack, identity_token="demo-zhang-wei")
    drive_to_receipt(signed_in, catalogue, "社保卡丢了要补办", "social_security_card")
    typed = Chat(stack)
    typed.send(f"孩子刚出生，我的电话是{TYPED_PHONE}，身份证{ZHANG_WEI_ID}")
    drive_to_receipt(typed, catalogue, "社保卡丢了要补办", "social_security_card")
    time.sleep(1.0)  # whatever the services still write for these turns
    assert files_holding(stack.settings.var_dir, [ZHANG_WEI_ID, ZHANG_WEI_PHONE, TYPED_PHONE]) == []
