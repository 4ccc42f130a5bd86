"""The agent desk's latencies on the whole stack (issue #15): how long after 转人工 the request is
on the desk, and how long messages take each way once an agent holds the conversation.

`python -m bench desk [--rounds 20]`. A citizen talks over the REST channel; an agent signed in
over HTTP keeps a heartbeat like the desk page (one poll a second). Measured per round:
- queue: end of the 转人工 turn → the request listed by /desk/api/overview (polled every 50 ms);
  the page polls once a second, so what an agent sees is this plus up to 1 s;
- agent → citizen: the agent's POST sent → the message on the conversation's SSE stream, as the
  widget receives it;
- citizen → agent: the person's message sent → the line in /desk/api/conversations/<id> (polled
  every 50 ms); the page polls the open conversation twice a second: plus up to 0.5 s."""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
import uuid
from typing import Any, Dict, List, Optional

import requests

from bench.common import heading, summary_ms, table, verdict, write_record
from bot.db import Database
from bot.desk.accounts import Accounts
from bot.launcher.model import ensure_model
from bot.launcher.process import free_port
from bot.launcher.stack import Stack
from bot.settings import Settings

PAGE_OVERVIEW_S, PAGE_CONVERSATION_S = 1.0, 0.5  # bot/desk/static/desk.js
PASSWORD = "bench-desk-password"


class Agent:
    def __init__(self, url: str, login: str) -> None:
        self.url = url
        self.http = requests.Session()
        form = self.http.get(f"{url}/desk/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        self.http.post(f"{url}/desk/login", data={"csrf": csrf, "login": login, "password": PASSWORD})
        self.csrf = re.search(r'name="desk-csrf" content="([^"]+)"', self.http.get(f"{url}/desk").text).group(1)
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, daemon=True)
        self._beat.start()

    def _heartbeat(self) -> None:
        beat = requests.Session()
        beat.cookies.update(self.http.cookies)
        while not self._stop.wait(PAGE_OVERVIEW_S):
            beat.get(f"{self.url}/desk/api/overview")

    def get(self, path: str) -> Any:
        return self.http.get(f"{self.url}/desk/api{path}").json()

    def post(self, path: str, body: Optional[Dict[str, Any]] = None) -> requests.Response:
        return self.http.post(f"{self.url}/desk/api{path}", json=body or {}, headers={"X-CSRF-Token": self.csrf})

    def stop(self) -> None:
        self._stop.set()


def _session(stack: Stack) -> Dict[str, str]:
    """A new conversation's session, as the widget opens one (its id and token)."""
    return requests.post(f"{stack.settings.rasa_url}/webhooks/rest/session", json={}, timeout=60).json()


def _say(stack: Stack, session: Dict[str, str], message: str) -> List[Dict[str, Any]]:
    return requests.post(f"{stack.settings.rasa_url}/webhooks/rest/webhook", timeout=60,
                         headers={"Authorization": f"Bearer {session['session_token']}"},
                         json={"sender": session["conversation_id"], "message": message,
                               "metadata": {"channel": "web"}}).json()


def _until(check, timeout_s: float = 30.0, every_s: float = 0.05) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if check():
            return time.monotonic() - started
        time.sleep(every_s)
    return float("nan")


def _stream_wait(url: str, text: str, ready: threading.Event, got: Dict[str, float]) -> None:
    with requests.get(url, stream=True, timeout=60) as response:
        for raw in response.iter_lines(decode_unicode=True):
            if raw and raw.startswith(":"):
                ready.set()
            if raw and raw.startswith("data:") and text in raw:
                got["at"] = time.monotonic()
                return


def round_trip(stack: Stack, agent: Agent) -> Dict[str, float]:
    session = _session(stack)
    sender = session["conversation_id"]
    _say(stack, session, '/choose_bundle{"bundle_id":"newborn"}')
    _say(stack, session, "/ask_human")
    queued = _until(lambda: any(r["conversation_id"] == sender for r in agent.get("/overview")["queue"]))
    agent.post(f"/conversations/{sender}/take")
    text = f"您好{uuid.uuid4().hex[:6]}"
    ready, got = threading.Event(), {}
    stream = threading.Thread(target=_stream_wait, daemon=True, args=(
        f"{stack.settings.portal_url}/api/v1/conversations/{sender}/stream?after=0"
        f"&session={session['session_token']}", text, ready, got))
    stream.start()
    ready.wait(10)
    sent = time.monotonic()
    agent.post(f"/conversations/{sender}/messages", {"text": text})
    stream.join(30)
    to_citizen = got.get("at", float("nan")) - sent
    words = f"请问{uuid.uuid4().hex[:6]}"
    threading.Thread(target=_say, args=(stack, session, words), daemon=True).start()
    to_agent = _until(lambda: words in json.dumps(agent.get(f"/conversations/{sender}?key=x")["lines"],
                                                  ensure_ascii=False))
    agent.post(f"/conversations/{sender}/give-back")
    return {"queue_s": queued, "to_citizen_s": to_citizen, "to_agent_s": to_agent}


def run(rounds: int) -> Dict[str, Any]:
    import tempfile
    from pathlib import Path

    var = Path(tempfile.mkdtemp(prefix="bench-desk-"))
    ports = {name: free_port() for name in ("rasa_port", "action_port", "intake_port", "portal_port")}
    settings = Settings(var_dir=var, **ports)
    stack = Stack(settings, ensure_model(settings, allow_training=True))
    stack.start()
    agent = None
    try:
        db = Database(settings.db_url)
        db.create_schema()
        Accounts(db).add_sync("bench-agent", "压测坐席", PASSWORD, capacity=20)
        db.close()
        agent = Agent(settings.portal_url, "bench-agent")
        results = [round_trip(stack, agent) for _ in range(rounds)]
    finally:
        if agent:
            agent.stop()
        stack.stop()
    # A round whose message never arrived (NaN) is counted apart, never averaged away.
    figures = {key: summary_ms([r[key] for r in results if r[key] == r[key]]) for key in results[0]}
    missed = {key: sum(1 for r in results if r[key] != r[key]) for key in results[0]}
    return {"rounds": rounds, "figures": figures, "missed": missed}


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench desk")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    record = run(args.rounds)
    figures = record["figures"]
    heading("agent desk latencies (ms)")
    table([[key, f["n"], f["p50_ms"], f["p90_ms"], f["max_ms"]] for key, f in figures.items()],
          ["measured", "n", "p50", "p90", "max"])
    heading("targets (#15), adding the desk page's polling interval")
    rows = [
        ["转人工 on the desk ≤ 2 s", figures["queue_s"]["p90_ms"] + PAGE_OVERVIEW_S * 1000, 2000],
        ["agent → citizen ≤ 1 s", figures["to_citizen_s"]["p90_ms"], 1000],
        ["citizen → agent ≤ 1 s", figures["to_agent_s"]["p90_ms"] + PAGE_CONVERSATION_S * 1000, 1000],
    ]
    table([[label, value, limit, verdict(value, limit)] for label, value, limit in rows],
          ["target (p90, worst-case poll)", "ms", "limit", "verdict"])
    if any(record["missed"].values()):
        print(f"\nMISSED (never arrived within 30 s): {record['missed']}")
    path = write_record("desk", record)
    print(f"\nwritten: {path}")
    return record


if __name__ == "__main__":
    main()
