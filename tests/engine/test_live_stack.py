"""Rules edits reach a running stack (action server and portal) with no restart and no training.

The stack runs on its own copy of rules/ (BOT_RULES_DIR). A clerk saves the 开办药店 bundle
(fixtures/pharmacy) into it: within 5 s "想开个药店" is routed to it in a conversation and the
conversation runs to the materials notice. A broken file leaves the old catalogue serving and is
reported by `python -m bot rules status` with its file, line and problem."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator, Optional, Tuple

import pytest

from bot.launcher.stack import Stack
from tests.conftest import Chat, stack_settings
from tests.engine.pharmacy import ROOT, add_pharmacy, copy_rules

pytestmark = pytest.mark.servers

NEED = "想开个药店"
LIVE_WITHIN_S = 5.0


@pytest.fixture(scope="module")
def live_stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Stack, Path]]:
    tmp = tmp_path_factory.mktemp("live-stack")
    rules = copy_rules(tmp)
    running = Stack(stack_settings(tmp / "var", rules_dir=rules), model)
    running.start()
    yield running, rules
    running.stop()


def _offered(stack: Stack, text: str) -> Tuple[Chat, list]:
    """A fresh conversation's bundle ids offered (to confirm or choose) for `text`."""
    chat = Chat(stack)
    chat.send(text)
    choice = chat.custom("bundle_choice") or {"candidates": []}
    return chat, [c["bundle_id"] for c in choice["candidates"]]


def _route(stack: Stack, text: str) -> list:
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(f"{stack.settings.portal_url}/api/v1/route", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as resp:
        return [c["bundle_id"] for c in json.loads(resp.read())["candidates"]]


def _wait(check, within: float) -> Optional[float]:
    """Seconds until check() is true, or None if it is not within `within` seconds."""
    start = time.monotonic()
    while time.monotonic() - start < within:
        if check():
            return time.monotonic() - start
        time.sleep(0.1)
    return None


def _to_notice(chat: Chat) -> dict:
    """Answer every question with its first button until the materials notice is shown."""
    for _ in range(20):
        notice = chat.custom("materials_notice")
        if notice:
            return notice
        buttons = [b for m in chat.last for b in m.get("buttons") or [] if '"question_id"' in b["payload"]]
        assert buttons, f"no question and no notice: {chat.last}"
        chat.send(buttons[0]["payload"])
    raise AssertionError("no notice after 20 answers")


def _status(stack: Stack, rules: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BOT_VAR_DIR": str(stack.settings.var_dir), "BOT_RULES_DIR": str(rules)}
    return subprocess.run([sys.executable, "-m", "bot", "rules", "status"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_saved_bundle_routes_in_a_conversation_within_5_s_and_runs_to_its_notice(live_stack) -> None:
    stack, rules = live_stack
    assert "pharmacy_opening" not in _offered(stack, NEED)[1]
    add_pharmacy(rules)
    took = _wait(lambda: _offered(stack, NEED)[1] == ["pharmacy_opening"], LIVE_WITHIN_S)
    print(f"\nsave → routed in a conversation: {took if took is None else round(took, 2)} s")
    assert took is not None, f"not routed within {LIVE_WITHIN_S} s"
    chat, _ = _offered(stack, NEED)
    chat.press("就办这个")
    notice = _to_notice(chat)
    names = {m["material_id"]: m["name"] for m in notice["materials"]}
    assert (notice["bundle_id"], names.get("licensed_pharmacist_certificate")) == ("pharmacy_opening", "执业药师注册证")


def test_the_portal_routes_the_saved_bundle_too(live_stack) -> None:
    stack, rules = live_stack
    add_pharmacy(rules)  # idempotent: the same content, whichever test runs first
    assert _wait(lambda: _route(stack, NEED)[:1] == ["pharmacy_opening"], LIVE_WITHIN_S) is not None


def test_a_broken_file_leaves_the_old_catalogue_serving_and_is_reported(live_stack) -> None:
    stack, rules = live_stack
    before = _route(stack, "孩子刚出生要办什么")
    broken = rules / "bundles" / "half_saved.yml"
    broken.write_text("id: half_saved\nname: [写了一半\n", encoding="utf-8")
    try:
        reported = _wait(lambda: "REFUSED" in _status(stack, rules).stdout, 10)
        status = _status(stack, rules)
        assert (reported is not None, status.returncode, _route(stack, "孩子刚出生要办什么")) == (True, 1, before)
        # libyaml notices the unclosed bracket at the end of the file, line 3
        assert "rules/bundles/half_saved.yml:3: invalid YAML" in status.stdout, status.stdout
        assert ("action_server (pid" in status.stdout, "portal (pid" in status.stdout,
                status.stdout.count("REFUSED")) == (True, True, 2), status.stdout
    finally:
        broken.unlink()
    assert _wait(lambda: _status(stack, rules).returncode == 0, 10) is not None
