"""`make shell`: talk to the bot in the terminal through the REST channel, as a channel would."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional

from bot.launcher.process import StartupError
from bot.launcher.stack import Stack
from bot.settings import Settings


def _post(url: str, body: Dict[str, Any]) -> List[Dict[str, Any]]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.loads(resp.read())


def _render(messages: List[Dict[str, Any]]) -> List[str]:
    """Print text, number the buttons; return their payloads so a number picks one."""
    payloads: List[str] = []
    for message in messages:
        if message.get("text"):
            print(f"\033[1m{message['text']}\033[0m")
        for button in message.get("buttons") or []:
            payloads.append(button["payload"])
            print(f"  [{len(payloads)}] {button['title']}")
    return payloads


def shell(settings: Settings, allow_training: Optional[bool]) -> int:
    from bot.launcher.cli import _fail, start_stack

    url = f"{settings.rasa_url}/webhooks/rest/webhook"
    stack: Optional[Stack] = None
    try:
        _post(url, {"sender": "probe", "message": "/resume"})
    except (urllib.error.URLError, OSError):
        try:
            print("starting the services…", flush=True)
            stack = start_stack(settings, allow_training)
        except StartupError as exc:
            return _fail(str(exc))
    sender = f"shell-{uuid.uuid4().hex[:8]}"
    payloads: List[str] = []
    print("type your message (a number picks a button; Ctrl-D quits)")
    try:
        for line in sys.stdin:
            text = line.strip()
            if text.isdigit() and payloads and 1 <= int(text) <= len(payloads):
                text = payloads[int(text) - 1]
            payloads = _render(_post(url, {"sender": sender, "message": text, "metadata": {"channel": "shell"}}))
    except KeyboardInterrupt:
        pass
    finally:
        if stack is not None:
            stack.stop()
    return 0
