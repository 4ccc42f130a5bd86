"""A server stops, gracefully, on SIGTERM whatever moment of start-up it arrives at
(bot/stop_signals.py): inside each phase, between two of them, and while serving."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Union

import pytest

from bot.launcher.process import free_port
from bot.launcher.stack import Service, child_env, services_for
from bot.secrets import with_secrets
from bot.settings import ROOT
from tests.conftest import stack_settings

pytestmark = pytest.mark.servers


def _signalled(when: str, *flags: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.support.signalled_server", when, str(free_port()), *flags],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("when", ["before", "after:0", "after:1", "after:3", "serving"])
def test_our_server_stops_gracefully_on_a_signal_at_any_moment(when: str) -> None:
    done = _signalled(when)
    assert (done.returncode, "stopped gracefully" in done.stdout) == (0, True), done.stderr[-2000:]


@pytest.mark.parametrize("when", ["before", "after:0", "after:3", "serving"])
def test_a_server_whose_run_call_is_not_ours_stops_too_with_ours_on_a_blueprint(when: str) -> None:
    done = _signalled(when, "--as-rasa")
    assert (done.returncode, "stopped gracefully" in done.stdout) == (0, True), done.stderr[-2000:]


def test_sanic_alone_serves_on_after_a_signal_at_the_end_of_its_after_start_phase() -> None:
    """Why bot/stop_signals.py exists; when this fails, Sanic has fixed it."""
    with pytest.raises(subprocess.TimeoutExpired):
        _signalled("after:0", "--plain", timeout=8)


_BETWEEN_RUNS = """
import asyncio, os, signal, sys
import uvloop
from sanic import Sanic
from bot.stop_signals import _Stopper
loop = uvloop.new_event_loop()
heard = []
if sys.argv[1] == "ours":
    stopper = _Stopper(Sanic("between"), loop)
    stopper.listen()
else:
    loop.add_signal_handler(signal.SIGTERM, heard.append, "heard")
loop.run_until_complete(asyncio.sleep(0))
os.kill(os.getpid(), signal.SIGTERM)  # the loop is not running: Sanic between two phases
loop.run_until_complete(asyncio.sleep(0.2))
print(stopper.requested if sys.argv[1] == "ours" else bool(heard))
"""


@pytest.mark.parametrize("handler, remembered", [("ours", "True"), ("uvloop's", "False")])
def test_a_signal_between_two_runs_of_the_loop_is_remembered_by_ours_and_lost_by_uvloops(
        handler: str, remembered: str) -> None:
    """Why Sanic's own handlers are kept out of every server (`for_every_app` for Rasa's); when
    uvloop's case fails, uvloop has fixed it."""
    done = subprocess.run([sys.executable, "-c", _BETWEEN_RUNS, handler], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == remembered, done.stderr[-2000:]


def _stop_when_it_listens(service: Service, env: Dict[str, str]) -> Union[int, str]:
    """Starts the service, sends SIGTERM the moment its port accepts a connection (Sanic is then
    between two runs of its loop, or in the after-start phase): its exit code, or "hung"."""
    server = subprocess.Popen(service.argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", service.port), timeout=2).close()
                break
            except OSError:
                time.sleep(0.002)
        server.terminate()
        try:
            return server.wait(20)
        except subprocess.TimeoutExpired:
            return "hung"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


# Before bot/stop_signals.py about one start of the action server in six hung here; before
# `for_every_app`, about one start of the Rasa server in eight (Sanic's handlers lost the signal).
@pytest.mark.parametrize("name, starts", [("action server", 8), ("intake API", 4), ("portal", 3),
                                          ("WeChat stand-in", 3), ("Rasa server", 3)])
def test_each_service_stops_when_signalled_the_moment_it_listens(name: str, starts: int, model: Path,
                                                                 tmp_path: Path) -> None:
    exits = []
    for start in range(starts):
        settings = with_secrets(stack_settings(tmp_path / f"var{start}"))
        service = next(s for s in services_for(settings, model) if s.name == name)
        exits.append(_stop_when_it_listens(service, {**os.environ, **child_env(settings)}))
    assert exits == [0] * starts
