"""The WeChat channel under WeChat's rules: how fast a push is acknowledged, how fast the reply
reaches the send API, and what WeChat's retries cost.

`python -m bench wechat [--people 20] [--messages 5] [--retried 30]`

Starts the real stack on free ports (embedded profile: the channel in safe mode against the
local stand-in), then has the stand-in push encrypted, signed messages (wechatpy's WeChatCrypto)
to /webhooks/wechat/webhook as WeChat does, timing each push's answer as WeChat would:
1. ack latency with one push at a time, then with `--people` people writing at once (each
   sends its next message when the previous one's reply has reached the stand-in's send API);
   WeChat's limit is 5 s, the target here is 1 s;
2. reply latency: push sent → first reply recorded by the stand-in (the bot's whole turn, the
   access token and the send API included);
3. retries: `--retried` messages each pushed three times in a row (same MsgId, as WeChat
   retries) — turns taken and replies sent per message, and the duplicates dropped;
4. access-token fetches for the whole run (one expected)."""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

from bench.common import heading, summary_ms, table, verdict, write_record
from bot.launcher.model import ensure_model
from bot.launcher.process import free_port
from bot.launcher.stack import Stack
from bot.settings import Settings

TARGET_ACK_MS = 1000.0
MESSAGES = ["你好", "孩子刚出生要办什么", "1", "是", "2026年11月10日", "是", "本市户口"]


class Bench:
    def __init__(self, stack: Stack) -> None:
        self.standin = f"http://{stack.settings.host}:{stack.settings.wechat_standin_port}"

    async def push(self, session: aiohttp.ClientSession, openid: str, text: str, times: int = 1) -> List[float]:
        """One message pushed `times` times (WeChat's retries: same MsgId); each answer's time."""
        async with session.post(f"{self.standin}/_standin/push",
                                json={"openid": openid, "kind": "text", "content": text, "repeat": times}) as resp:
            result = await resp.json()
        answers = [(a["status"], a["body"]) for a in result["attempts"]]
        assert answers == [(200, "success")] * times, answers
        return [a["ms"] / 1000.0 for a in result["attempts"]]

    async def sent(self, session: aiohttp.ClientSession, openid: str) -> int:
        async with session.get(f"{self.standin}/_standin/sent", params={"openid": openid}) as resp:
            return len((await resp.json())["messages"])

    async def stats(self, session: aiohttp.ClientSession) -> Dict[str, Any]:
        async with session.get(f"{self.standin}/_standin/stats") as resp:
            return await resp.json()

    async def wait_reply(self, session: aiohttp.ClientSession, openid: str, had: int, timeout_s: float = 30) -> int:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            now = await self.sent(session, openid)
            if now > had:
                return now
            await asyncio.sleep(0.01)
        raise TimeoutError(f"no reply within {timeout_s}s")

    async def person(self, session: aiohttp.ClientSession, messages: int) -> Tuple[List[float], List[float]]:
        """One person writing `messages` times, each after the previous reply arrived."""
        openid = f"oBench{uuid.uuid4().hex[:16]}"
        acks, replies, had = [], [], 0
        for text in (MESSAGES * 3)[:messages]:
            started = time.perf_counter()
            acks += await self.push(session, openid, text)
            had = await self.wait_reply(session, openid, had)
            replies.append(time.perf_counter() - started)
            await asyncio.sleep(0.3)  # the rest of a turn's replies, if any, arrive meanwhile
            had = await self.sent(session, openid)
        return acks, replies


async def run(stack: Stack, people: int, messages: int, retried: int) -> Dict[str, Any]:
    bench = Bench(stack)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        before = await bench.stats(session)
        await bench.person(session, 2)  # warm-up: first token fetch, first turn
        one_acks, one_replies = await bench.person(session, messages * 2)
        results = await asyncio.gather(*[bench.person(session, messages) for _ in range(people)])
        many_acks = [a for acks, _ in results for a in acks]
        many_replies = [r for _, replies in results for r in replies]
        # Retries: each message three times in a row; then count the replies that reached WeChat.
        openids = [f"oRetry{uuid.uuid4().hex[:16]}" for _ in range(retried)]
        retry_acks: List[float] = []
        for openid in openids:
            retry_acks += await bench.push(session, openid, "孩子刚出生要办什么", times=3)
        await asyncio.sleep(3.0)
        replies_per_message = [await bench.sent(session, openid) for openid in openids]
        after = await bench.stats(session)
    return {
        "one_at_a_time": {"ack": summary_ms(one_acks), "reply": summary_ms(one_replies)},
        "concurrent": {"people": people, "ack": summary_ms(many_acks), "reply": summary_ms(many_replies)},
        "retried": {"messages": retried, "pushes": len(retry_acks), "ack": summary_ms(retry_acks),
                    "replies_per_message": sorted(set(replies_per_message)),
                    "duplicates_dropped": len(retry_acks) - sum(1 for n in replies_per_message if n)},
        "token_fetches": after["token_fetches"] - before["token_fetches"],
        "send_errors": after["errors"],
    }


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench wechat")
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--retried", type=int, default=30)
    args = parser.parse_args(argv or [])
    model = ensure_model(Settings(), allow_training=True, echo=False)
    ports = {name: free_port() for name in ("rasa_port", "action_port", "intake_port", "portal_port",
                                            "wechat_standin_port")}
    stack = Stack(Settings(var_dir=Path(tempfile.mkdtemp(prefix="bench-wechat-")), **ports), model)
    stack.start()
    try:
        figures = asyncio.run(run(stack, args.people, args.messages, args.retried))
    finally:
        stack.stop()
    heading("WeChat channel: ack and reply latency (ms)")
    rows = []
    for label, key in (("one push at a time", "one_at_a_time"), (f"{args.people} people at once", "concurrent")):
        ack, reply = figures[key]["ack"], figures[key]["reply"]
        rows.append([label, ack["n"], ack["p50_ms"], ack["p99_ms"], ack["max_ms"], reply["p50_ms"], reply["p99_ms"],
                     verdict(ack["p99_ms"], TARGET_ACK_MS)])
    retried = figures["retried"]
    rows.append(["each push 3× (retries)", retried["ack"]["n"], retried["ack"]["p50_ms"], retried["ack"]["p99_ms"],
                 retried["ack"]["max_ms"], "", "", verdict(retried["ack"]["p99_ms"], TARGET_ACK_MS)])
    table(rows, ["case", "pushes", "ack p50", "ack p99", "ack max", "reply p50", "reply p99", "ack ≤ 1 s"])
    heading("WeChat's retries and the access token")
    table([[retried["messages"], retried["pushes"], retried["duplicates_dropped"],
            "/".join(map(str, retried["replies_per_message"])), figures["token_fetches"],
            json.dumps(figures["send_errors"])]],
          ["messages", "pushes", "duplicates dropped", "replies per message", "token fetches", "send API errors"])
    path = write_record("wechat", figures)
    print(f"\nrecord: {path}")
    return figures
