"""`make shell`: talk to the bot in the terminal through the REST channel, as a channel would."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from typing import Any, Dict, Iterator, List, Optional

from bot.launcher.process import StartupError
from bot.launcher.stack import Stack
from bot.settings import Settings


def _post(url: str, body: Dict[str, Any], token: str = "") -> Any:
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.loads(resp.read())


QUIT = {"/quit", "/exit", "quit", "exit"}


def _render(messages: List[Dict[str, Any]], bold: bool) -> List[str]:
    """Print text, number the buttons; return their payloads so a number picks one."""
    payloads: List[str] = []
    for message in messages:
        if message.get("text"):
            print(f"\033[1m{message['text']}\033[0m" if bold else message["text"])
        for button in message.get("buttons") or []:
            payloads.append(button["payload"])
            print(f"  [{len(payloads)}] {button['title']}")
    return payloads


def _lines(interactive: bool) -> Iterator[str]:
    """What the person types, until end of input: with a prompt on a terminal, plain when piped."""
    if not interactive:
        yield from (line.strip() for line in sys.stdin)
        return
    while True:
        try:
            yield input("> ").strip()
        except EOFError:
            return


def shell(settings: Settings, allow_training: Optional[bool]) -> int:
    from bot.launcher.cli import _fail, start_stack

    url = f"{settings.rasa_url}/webhooks/rest/webhook"
    stack: Optional[Stack] = None
    try:
        session = _post(f"{settings.rasa_url}/webhooks/rest/session", {"channel": "shell"})
    except (urllib.error.URLError, OSError):
        try:
            print("starting the services…", flush=True)
            stack = start_stack(settings, allow_training)
            session = _post(f"{settings.rasa_url}/webhooks/rest/session", {"channel": "shell"})
        except (StartupError, urllib.error.URLError, OSError) as exc:
            if stack is not None:
                stack.stop()
            return _fail(str(exc))
    sender, token = session["conversation_id"], session["session_token"]
    payloads: List[str] = []
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if interactive:
        import readline  # noqa: F401 - line editing and history for input(), which matters for IME text
    print("type your message (a number picks a button; /quit or Ctrl-D quits)")
    try:
        for text in _lines(interactive):
            if text in QUIT:
                break
            if text.isdigit() and payloads and 1 <= int(text) <= len(payloads):
                text = payloads[int(text) - 1]
            try:
                replies = _post(url, {"sender": sender, "message": text, "metadata": {"channel": "shell"}}, token)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                print(f"error: the bot did not answer ({exc}); is `make run` still running?", file=sys.stderr)
                continue
            payloads = _render(replies, bold=interactive)
    except KeyboardInterrupt:
        pass
    finally:
        if stack is not None:
            stack.stop()
    return 0
