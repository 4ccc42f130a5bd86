"""Test-side handle on the WeChat stand-in (bot/wechat_standin) over HTTP: push as a person,
read what the bot sent, break and mend the send API."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any, Dict, List, Optional


class StandIn:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def _call(self, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.loads(resp.read())

    def push(self, openid: str, kind: str = "text", content: Optional[str] = None, repeat: int = 1,
             **fields: Any) -> Dict[str, Any]:
        """`fields`: session_from for an entry."""
        return self._call("/_standin/push", {"openid": openid, "kind": kind, "content": content, "repeat": repeat,
                                             **fields})

    def sent(self, openid: str, after: int = 0) -> Dict[str, Any]:
        return self._call(f"/_standin/sent?openid={openid}&after={after}")

    def stats(self) -> Dict[str, Any]:
        return self._call("/_standin/stats")

    def control(self, **settings: Any) -> Dict[str, Any]:
        return self._call("/_standin/control", settings)

    def login_code(self, openid: str) -> str:
        return self._call("/_standin/login", {"openid": openid})["code"]

    def wait_for(self, openid: str, count: int, after: int = 0, timeout_s: float = 20.0) -> List[Dict[str, Any]]:
        """At least `count` messages to `openid` after `after`, or fail with what there was."""
        deadline = time.monotonic() + timeout_s
        while True:
            messages = self.sent(openid, after)["messages"]
            if len(messages) >= count or time.monotonic() > deadline:
                assert len(messages) >= count, f"waited {timeout_s}s for {count} messages, got {messages}"
                return messages
            time.sleep(0.05)
