"""Fault drills and load on the whole stack (issue 13, P9): no lost replies, quick recovery.

`python -m bench faults [--conversations 50] [--seconds 60]`

1. Load: `--conversations` conversations at once for `--seconds`, closed loop (each sends its
   next message when the reply arrives), each conversation with its own session, scripted as
   in `bench stack`. Counted: turns/s, p50/p99, replies that were empty, not 200, or lost.
2. Kill mid-turn: the action server is killed (SIGKILL) while it holds a conversation (a
   submission to an intake service that does not answer); the time from its restart to the
   answer of the person's next message is the time the conversation stayed held.
3. Reset connection: the action server restarts between two turns (the Rasa server's
   kept-alive connection dies); the next turn must still be answered, once.

Targets: 0 lost or empty replies; a killed process holds a conversation ≤ 5 s."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.common import heading, summary_ms, table, verdict, write_record
from bench.stack import Script

TARGET_HOLD_S = 5.0


async def _load(rasa_url: str, needs: List[str], conversations: int, seconds: float) -> Dict[str, Any]:
    import aiohttp

    latencies: List[float] = []
    problems = {"not_200": 0, "empty": 0, "lost": 0}
    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=conversations + 4)) as http:

        async def person(n: int) -> None:
            seed = n
            while time.monotonic() < deadline:
                async with http.post(f"{rasa_url}/webhooks/rest/session", json={}) as resp:
                    granted = await resp.json()
                headers = {"Authorization": f"Bearer {granted['session_token']}"}
                script, last = Script(seed, needs, 45), []
                for turn in range(1, 46):
                    if time.monotonic() >= deadline:
                        return
                    _, message = script.next(turn, last)
                    started = time.perf_counter()
                    try:
                        async with http.post(f"{rasa_url}/webhooks/rest/webhook", headers=headers,
                                             json={"message": message, "metadata": {"channel": "web"}}) as resp:
                            status, last = resp.status, await resp.json(content_type=None)
                    except Exception:  # noqa: BLE001 - a lost reply is what is being counted
                        problems["lost"] += 1
                        last = []
                        continue
                    latencies.append(time.perf_counter() - started)
                    if status != 200:
                        problems["not_200"] += 1
                    elif not last:
                        problems["empty"] += 1
                seed += 1000

        started = time.monotonic()
        await asyncio.gather(*(person(n) for n in range(conversations)))
        wall = time.monotonic() - started
    return {"turns": len(latencies), "turns_per_s": round(len(latencies) / wall, 1), **summary_ms(latencies),
            **problems}


def _post(url: str, body: Dict[str, Any], token: str = "") -> Any:
    import json
    import urllib.request

    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=90) as resp:
        return json.loads(resp.read())


def _kill_drill(stack) -> Dict[str, Any]:
    """Seconds from the action server's restart to the answer of the next message."""
    import threading

    processes = {p.name: p for p in stack.processes}
    intake, actions, url = processes["intake API"], processes["action server"], stack.settings.rasa_url
    # Signed in: the form is prefilled, so answering every question by its first option and any
    # remaining text field with a word reaches the consent.
    granted = _post(f"{url}/webhooks/rest/session", {"identity_token": "demo-zhang-wei"})
    token, sender = granted["session_token"], granted["conversation_id"]

    def say(message: str) -> List[Dict[str, Any]]:
        return _post(f"{url}/webhooks/rest/webhook", {"sender": sender, "message": message}, token)

    last = say('/choose_bundle{"bundle_id":"social_security_card"}')
    for _ in range(40):
        if any(b["title"] == "同意并提交" for m in last for b in m.get("buttons") or []):
            break
        buttons = [b for m in last for b in m.get("buttons") or []]
        last = say(buttons[0]["payload"] if buttons else "山东省济南市历下区示范路1号")
    else:
        raise RuntimeError("the kill drill could not reach the consent step")
    consent = next(b for m in last for b in m["buttons"] if b["title"] == "同意并提交")
    intake.stop()
    submitting = threading.Thread(target=lambda: _ignore(say, consent["payload"]), daemon=True)
    submitting.start()
    time.sleep(1.0)
    killed_at = time.monotonic()
    os.kill(actions.pid, signal.SIGKILL)
    submitting.join(timeout=60)
    actions.start()
    actions.wait_healthy(60)
    restarted_at = time.monotonic()
    reply = say("你好")
    answered_at = time.monotonic()
    intake.start()
    intake.wait_healthy(60)
    return {"answered": bool(reply), "held_after_restart_s": round(answered_at - restarted_at, 2),
            "kill_to_answer_s": round(answered_at - killed_at, 2)}


def _ignore(call, *args) -> None:
    try:
        call(*args)
    except Exception:  # noqa: BLE001 - the request dies with the killed process
        pass


def _reset_drill(stack) -> Dict[str, Any]:
    actions = next(p for p in stack.processes if p.name == "action server")
    url = stack.settings.rasa_url
    granted = _post(f"{url}/webhooks/rest/session", {})
    token, sender = granted["session_token"], granted["conversation_id"]
    _post(f"{url}/webhooks/rest/webhook", {"sender": sender, "message": '/choose_bundle{"bundle_id":"newborn"}'}, token)
    actions.stop()
    actions.start()
    actions.wait_healthy(60)
    reply = _post(f"{url}/webhooks/rest/webhook",
                  {"sender": sender, "message": '/answer{"question_id":"born_in_city","value":true}'}, token)
    asked = next((m["custom"]["question_id"] for m in reply if (m.get("custom") or {}).get("type") == "question"),
                 None)
    return {"answered": bool(reply), "next_question": asked}


def run(conversations: int = 50, seconds: float = 60.0) -> Dict[str, Any]:
    from bench.catalogue_gen import holdout
    from bot.launcher.model import ensure_model
    from bot.launcher.process import free_port
    from bot.launcher.stack import Stack
    from bot.settings import Settings

    heading("faults: load, a process killed mid-turn, a reset connection")
    needs = [u for us in holdout().values() for u in us]
    random.Random(7).shuffle(needs)
    record: Dict[str, Any] = {"conversations": conversations, "seconds": seconds}
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        ports = {name: free_port() for name in ("rasa_port", "action_port", "intake_port", "portal_port")}
        stack = Stack(Settings(var_dir=Path(tmp) / "var", **ports), ensure_model(Settings(), allow_training=True))
        stack.start()
        try:
            print(f"  {conversations} conversations for {seconds:.0f} s …", flush=True)
            record["load"] = asyncio.run(_load(stack.settings.rasa_url, needs, conversations, seconds))
            print("  kill drill …", flush=True)
            record["kill"] = _kill_drill(stack)
            print("  reset drill …", flush=True)
            record["reset"] = _reset_drill(stack)
        finally:
            stack.stop()
    load, kill = record["load"], record["kill"]
    lost = load["lost"] + load["empty"] + load["not_200"]
    table([
        ["turns/s", load["turns_per_s"], "", ""],
        ["p50 / p99 ms", f"{load['p50_ms']} / {load['p99_ms']}", "", ""],
        ["lost, empty or not-200 replies", lost, "0", verdict(lost, 0)],
        ["held after the killed process restarted (s)", kill["held_after_restart_s"], f"<= {TARGET_HOLD_S}",
         verdict(kill["held_after_restart_s"], TARGET_HOLD_S)],
        ["answered after the kill", kill["answered"], "True", "met" if kill["answered"] else "MISSED"],
        ["answered after a reset connection", record["reset"]["next_question"], "child_birth_date",
         "met" if record["reset"]["next_question"] == "child_birth_date" else "MISSED"],
    ], ["measure", "value", "target", "verdict"])
    write_record("faults", record)
    return record


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench faults")
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    return run(args.conversations, args.seconds)


if __name__ == "__main__":
    main()
