"""`make shell` against running services: numbered buttons, a number picking one, and /quit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.catalogue.loader import load_messages
from bot.settings import ROOT

pytestmark = pytest.mark.servers


def _shell(stack, text: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "BOT_RASA_PORT": str(stack.settings.rasa_port),
        "BOT_VAR_DIR": str(stack.settings.var_dir),
        "BOT_TRAIN": "0",
        **env,
    }
    return subprocess.run([sys.executable, "-m", "bot", "shell"], cwd=ROOT, env=environment, input=text,
                          capture_output=True, text=True, timeout=60)


def test_the_shell_prints_the_bot_s_reply_and_numbers_its_buttons(stack) -> None:
    out = _shell(stack, "你好\n/quit\n").stdout
    greeting = load_messages(ROOT / "rules")["greet"]
    assert (greeting in out, "  [1] " in out) == (True, True)


def test_quit_ends_the_shell_without_sending_what_follows(stack) -> None:
    done = _shell(stack, "/quit\n你好\n")
    assert (done.returncode, load_messages(ROOT / "rules")["greet"] in done.stdout) == (0, False)


def test_a_number_picks_a_button(stack) -> None:
    out = _shell(stack, "你好\n2\n/quit\n").stdout
    # 转人工 (button 2): a place in the queue, or — with nobody online — the hotline and a call back.
    messages = load_messages(ROOT / "rules")
    assert any(messages[key].split("{")[0] in out for key in ("handoff_nobody", "handoff_queued"))
