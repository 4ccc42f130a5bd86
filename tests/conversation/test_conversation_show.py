"""`python -m bot conversation show <id>` reads a conversation held over HTTP back, masked."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.settings import ROOT
from tests.conftest import Chat

pytestmark = pytest.mark.servers


def show(stack, conversation_id: str) -> subprocess.CompletedProcess:
    # The stack's own database: a SQLite file in its var/ folder, or the cluster's PostgreSQL.
    env = {**os.environ, "BOT_VAR_DIR": str(stack.settings.var_dir), "BOT_DATABASE_URL": stack.settings.database_url}
    return subprocess.run([sys.executable, "-m", "bot", "conversation", "show", conversation_id],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_every_message_of_the_conversation_is_printed(stack) -> None:
    chat = Chat(stack)
    chat.send("孩子刚出生要办什么，我电话13812345678")
    chat.press("对")
    chat.press("是")
    out = show(stack, chat.sender).stdout
    said = [m["text"] for m in chat.history if m.get("text")]
    assert all(text.splitlines()[0] in out for text in said), out


def test_personal_data_is_printed_masked(stack) -> None:
    chat = Chat(stack)
    chat.send("孩子刚出生要办什么，我电话13812345678")
    out = show(stack, chat.sender).stdout
    assert ("13812345678" in out, "138****5678" in out) == (False, True)


def test_stage_and_mode_are_printed(stack) -> None:
    chat = Chat(stack)
    chat.send('/choose_bundle{"bundle_id":"newborn"}')
    chat.send("转人工")
    out = show(stack, chat.sender).stdout
    assert "stage asking" in out and "mode waiting" in out


def test_an_unknown_conversation_says_so_and_fails(stack) -> None:
    result = show(stack, "no-such-conversation")
    assert (result.returncode, "no conversation" in result.stderr) == (1, True)
