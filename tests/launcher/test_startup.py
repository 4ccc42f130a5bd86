"""`make run` start-up: one clear line and a non-zero exit on each failure, nothing left running;
a clean start that reuses the model and stops everything on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

import pytest

from bot.launcher.model import fingerprint
from bot.launcher.process import free_port, port_is_free
from bot.settings import ROOT, Settings

pytestmark = pytest.mark.servers


def _env(tmp_path: Path, **extra: str) -> Dict[str, str]:
    ports = {
        f"BOT_{name.upper()}": str(free_port())
        for name in ("rasa_port", "action_port", "intake_port", "portal_port", "wechat_standin_port")
    }
    return {**os.environ, **ports, "BOT_VAR_DIR": str(tmp_path / "var"), **extra}


def _ports(env: Dict[str, str]) -> List[int]:
    return [int(env[f"BOT_{n}_PORT"]) for n in ("RASA", "ACTION", "INTAKE", "PORTAL")]


def _run(env: Dict[str, str], *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def _error_lines(result: subprocess.CompletedProcess) -> List[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_a_taken_port_is_named_in_one_line_and_nothing_starts(tmp_path: Path, model) -> None:
    env = _env(tmp_path)
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", int(env["BOT_PORTAL_PORT"])))
        blocker.listen()
        result = _run(env)
        others_free = all(port_is_free(p) for p in _ports(env) if p != int(env["BOT_PORTAL_PORT"]))
    assert (result.returncode, len(_error_lines(result)), env["BOT_PORTAL_PORT"] in result.stderr, others_free) == (
        1,
        1,
        True,
        True,
    )


def test_an_invalid_rules_file_is_named_in_one_line(tmp_path: Path, model) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    bundle = rules / "bundles" / "newborn.yml"
    bundle.write_text(
        bundle.read_text(encoding="utf-8").replace(
            "lead_department: health_commission", "lead_department: no_such_department"
        ),
        encoding="utf-8",
    )
    result = _run(_env(tmp_path, BOT_RULES_DIR=str(rules)))
    lines = _error_lines(result)
    assert (result.returncode, len(lines), "newborn.yml" in lines[0] and "no_such_department" in lines[0]) == (
        1,
        1,
        True,
    )


def test_a_missing_model_with_training_disabled_is_one_clear_line(tmp_path: Path) -> None:
    empty = tmp_path / "models"
    empty.mkdir()
    result = _run(_env(tmp_path, BOT_MODELS_DIR=str(empty), BOT_TRAIN="0"))
    lines = _error_lines(result)
    assert (result.returncode, len(lines), "make train" in lines[0]) == (1, 1, True)


def test_a_service_that_cannot_start_stops_the_others(tmp_path: Path, model) -> None:
    env = _env(tmp_path, BOT_INTAKE_DATABASE_URL="nosuchdb://nowhere/x")
    result = _run(env)
    time.sleep(1)
    assert (result.returncode, len(_error_lines(result)), all(port_is_free(p) for p in _ports(env))) == (1, 1, True)


def test_a_clean_start_reuses_the_model_and_ctrl_c_stops_everything(tmp_path: Path, model) -> None:
    env = _env(tmp_path)
    launcher = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = launcher.stdout.readline()
        output.append(line)
        if line.startswith("ready in ") or launcher.poll() is not None:
            break
    ready = any(line.startswith("ready in ") for line in output)
    while ready and launcher.poll() is None and not any("demo login" in line for line in output[-20:]):
        output.append(launcher.stdout.readline())  # the URLs, then the desk's demo login
    launcher.send_signal(signal.SIGINT)
    launcher.wait(timeout=60)
    time.sleep(1)
    trained = any("training" in line for line in output)
    assert (ready, trained, launcher.returncode, all(port_is_free(p) for p in _ports(env))) == (True, False, 0, True)
    # The embedded profile prints where the desk is and the demo agent's login (kept under var/).
    password = (tmp_path / "var" / "desk-demo-login").read_text().strip()
    desk_url = f"http://127.0.0.1:{env['BOT_PORTAL_PORT']}/desk"
    assert (any(desk_url in line for line in output),
            any(f"demo-agent / {password}" in line for line in output)) == (True, True)


def test_changing_the_training_data_changes_the_model_fingerprint(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    settings = Settings(data_dir=data)
    before = fingerprint(settings)
    with open(data / "nlu" / "control.yml", "a", encoding="utf-8") as handle:
        handle.write("\n")
    assert fingerprint(settings) != before


def test_the_fingerprint_ignores_the_rules_catalogue(tmp_path: Path) -> None:
    # Rules are read at run time by the action server: editing a bundle needs no retraining.
    assert fingerprint(Settings(rules_dir=tmp_path)) == fingerprint(Settings())
