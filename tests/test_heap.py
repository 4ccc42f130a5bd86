"""Settling the heap after start-up (bot/heap.py) never happens inside Sanic's after-start phase,
where a SIGTERM is lost: a server stopped the moment it answers is stopped."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot import heap
from bot.launcher.process import free_port
from bot.settings import ROOT


def test_the_heap_settles_once_the_server_runs_not_inside_the_listener(monkeypatch) -> None:
    settled = []
    monkeypatch.setattr(heap, "settle", lambda: settled.append(time.monotonic()))
    loop = asyncio.new_event_loop()
    try:
        async def after_start() -> None:  # as Sanic runs its after-start listeners
            heap.settle_once_serving(loop)

        loop.run_until_complete(after_start())
        during_the_phase = list(settled)
        loop.run_until_complete(asyncio.sleep(heap.SETTLE_AFTER_S + 0.3))  # the server serving
    finally:
        loop.close()
    assert (during_the_phase, len(settled)) == ([], 1)


@pytest.mark.servers
def test_an_action_server_stopped_the_moment_it_answers_stops(tmp_path: Path) -> None:
    stopped_in = []
    for attempt in range(3):
        port = free_port()
        env = {**os.environ, "BOT_VAR_DIR": str(tmp_path / f"var{attempt}"), "BOT_ACTION_PORT": str(port),
               "BOT_INTAKE_URL": f"http://127.0.0.1:{free_port()}"}
        server = subprocess.Popen([sys.executable, "-m", "bot.action_server"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    if urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).status == 200:
                        break
                except OSError:
                    time.sleep(0.02)
            server.terminate()
            started = time.monotonic()
            server.wait(30)
            stopped_in.append(time.monotonic() - started < 30)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    assert stopped_in == [True, True, True]
