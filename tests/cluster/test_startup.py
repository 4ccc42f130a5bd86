"""`make run-cluster` (`python -m bot run-cluster`): it comes up and answers through nginx, starts
a Rasa server that died again, stops everything on Ctrl-C; an engine that cannot be reached or a
taken port is one clear line and a non-zero exit with nothing left running."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Dict, Iterator, List

import pytest

from bot.launcher.process import free_port, port_is_free
from bot.settings import ROOT
from tests.conftest import Chat
from tests.support.cluster import data_folder

pytestmark = [pytest.mark.servers, pytest.mark.cluster]


@pytest.fixture
def folder() -> Iterator[Path]:
    made = data_folder()
    yield made
    shutil.rmtree(made, ignore_errors=True)


def cluster_env(folder: Path, **extra: str) -> Dict[str, str]:
    names = ["BOT_CLUSTER_PORT", "BOT_CLUSTER_ACTIONS_PORT", "BOT_CLUSTER_POSTGRES_PORT", "BOT_CLUSTER_REDIS_PORT",
             "BOT_PORTAL_PORT", "BOT_INTAKE_PORT"]
    env = {**os.environ, **{name: str(free_port()) for name in names}, "BOT_TRAIN": "0",
           "BOT_CLUSTER_DATA_DIR": str(folder)}
    # Two servers of each kind on consecutive ports from these.
    env["BOT_RASA_PORT"], env["BOT_ACTION_PORT"] = str(free_port(count=2)), str(free_port(count=2))
    env.update(extra)
    return env


def ports_of(env: Dict[str, str]) -> List[int]:
    ports = [int(env[name]) for name in env if name.startswith("BOT_CLUSTER_") and name.endswith("_PORT")]
    ports += [int(env["BOT_PORTAL_PORT"]), int(env["BOT_INTAKE_PORT"])]
    return ports + [int(env[n]) + i for n in ("BOT_RASA_PORT", "BOT_ACTION_PORT") for i in (0, 1)]


def pid_listening_on(port: int) -> int:
    """The pid of the Rasa server started with `--port <port>` (from /proc)."""
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"bot.rasa_server" in argv and str(port).encode() in argv:
            return int(entry.name)
    raise AssertionError(f"no Rasa server on port {port}")


def wait_for(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def run_cluster(env: Dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "run-cluster"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def errors(result: subprocess.CompletedProcess) -> List[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("setting, url, named", [
    ("BOT_DATABASE_URL", "postgresql://bot:pw@127.0.0.1:{port}/bot", "PostgreSQL is unreachable"),
    ("BOT_REDIS_URL", "redis://127.0.0.1:{port}/0", "Redis is unreachable"),
])
def test_an_unreachable_engine_is_named_in_one_line(model, folder: Path, setting: str, url: str, named: str) -> None:
    env = cluster_env(folder, **{setting: url.format(port=free_port())})
    if setting == "BOT_DATABASE_URL":
        env["BOT_INTAKE_DATABASE_URL"] = env[setting]
    result = run_cluster(env)
    lines = errors(result)
    assert (result.returncode, len(lines), named in result.stderr, setting in result.stderr, "pw" in result.stderr,
            all(port_is_free(p) for p in ports_of(env))) == (1, 1, True, True, False, True), result.stderr


def test_a_taken_port_is_named_in_one_line(model, folder: Path) -> None:
    env = cluster_env(folder)
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", int(env["BOT_CLUSTER_PORT"])))
        blocker.listen()
        result = run_cluster(env)
    assert (result.returncode, len(errors(result)), f"port {env['BOT_CLUSTER_PORT']} for nginx" in result.stderr) == (
        1, 1, True), result.stderr


def test_it_comes_up_outlives_a_dead_server_and_leaves_nothing_on_ctrl_c(model, folder: Path, tmp_path: Path) -> None:
    env = cluster_env(folder)
    log = (tmp_path / "run-cluster.log").open("w")
    launcher = subprocess.Popen([sys.executable, "-m", "bot", "run-cluster"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, text=True)
    try:
        ready = wait_for(lambda: launcher.poll() is not None or any(
            line.startswith("ready in ") for line in (tmp_path / "run-cluster.log").read_text().splitlines()), 240)
        assert (ready, launcher.poll()) == (True, None), (tmp_path / "run-cluster.log").read_text()
        chat = Chat(SimpleNamespace(settings=SimpleNamespace(rasa_url=f"http://127.0.0.1:{env['BOT_CLUSTER_PORT']}")))
        chat.send("孩子刚出生要办什么")
        answered = bool(chat.custom("bundle_choice") or chat.custom("bundle"))
        # A Rasa server that dies is started again; the cluster goes on meanwhile.
        os.kill(pid_listening_on(int(env["BOT_RASA_PORT"])), signal.SIGKILL)
        chat.send("为啥要问这个")
        restarted = wait_for(lambda: "Rasa server 1 stopped unexpectedly" in (tmp_path / "run-cluster.log").read_text()
                             and not port_is_free(int(env["BOT_RASA_PORT"])), 120)
    finally:
        launcher.send_signal(signal.SIGINT)
        code = launcher.wait(60)
        log.close()
    time.sleep(0.5)
    output = (tmp_path / "run-cluster.log").read_text()
    assert (answered, restarted, code, all(port_is_free(p) for p in ports_of(env))) == (True, True, 0, True), output


@pytest.mark.parametrize("module, setting, url", [
    ("bot.action_server", "BOT_DATABASE_URL", "postgresql://bot:pw@127.0.0.1:{port}/bot"),
    ("bot.portal", "BOT_DATABASE_URL", "postgresql://bot:pw@127.0.0.1:{port}/bot"),
    ("bot.intake", "BOT_INTAKE_DATABASE_URL", "postgresql://bot:pw@127.0.0.1:{port}/intake"),
    ("bot.rasa_server", "BOT_REDIS_URL", "redis://127.0.0.1:{port}/0"),
])
def test_a_service_started_on_its_own_names_the_engine_it_cannot_reach(tmp_path: Path, module: str, setting: str,
                                                                       url: str) -> None:
    env = {**os.environ, "BOT_VAR_DIR": str(tmp_path), setting: url.format(port=free_port())}
    result = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert (result.returncode, errors(result) == [line for line in result.stderr.splitlines() if line.strip()],
            setting in result.stderr, "pw" in result.stderr) == (1, True, True, False), result.stderr
