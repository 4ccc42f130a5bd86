"""WeChat fixtures: the stand-in on its own (client, token and outbox tests) and, for the
channel tests, the stand-in of the whole stack (tests/conftest.py's `stack`)."""

from __future__ import annotations

import sys
from typing import Iterator

import pytest
from cryptography.fernet import Fernet

from bot.launcher.process import Process, free_port
from bot.launcher.stack import Stack, child_env
from bot.secrets import with_secrets
from bot.settings import ROOT, Settings
from tests.wechat.standin import StandIn


@pytest.fixture(scope="session")
def lone_standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandIn]:
    """`python -m bot.wechat_standin` with no bot behind it (its pushes go nowhere)."""
    var = tmp_path_factory.mktemp("standin")
    settings = Settings(var_dir=var, wechat_standin_port=free_port(), rasa_port=free_port())
    base = f"http://{settings.host}:{settings.wechat_standin_port}"
    process = Process("WeChat stand-in", [sys.executable, "-m", "bot.wechat_standin"], f"{base}/health",
                      env=child_env(settings), cwd=ROOT, log_path=var / "standin.log")
    process.start()
    process.wait_healthy(60)
    yield StandIn(base)
    process.stop()


@pytest.fixture(scope="session")
def standin(stack: Stack) -> StandIn:
    return StandIn(f"http://{stack.settings.host}:{stack.settings.wechat_standin_port}")


# One data key for every "process" of a test: they share what they seal.
DATA_KEY = Fernet.generate_key().decode()


def lone_settings(standin: StandIn, db_url: str) -> Settings:
    """The bot's side of WeChat (embedded profile) on `db_url`, talking to the lone stand-in."""
    return Settings(wechat_api_base=standin.base + "/", database_url=db_url, data_keys=DATA_KEY)


def with_its_secrets(stack: Stack) -> Settings:
    """The stack's settings with the secrets its processes generated into its var/."""
    return with_secrets(stack.settings)
