"""Dialogue tests run the dialogue in this process against a throwaway SQLite database."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from bot.engine import Engine
from tests.dialogue.talk import Talk


@pytest.fixture
def talk(engine: Engine, tmp_path: Path) -> Talk:
    return Talk(engine, tmp_path / "bot.db")


@pytest.fixture
def signed_in(engine: Engine, tmp_path: Path) -> Callable[[str], Talk]:
    return lambda token: Talk(engine, tmp_path / "bot.db", identity_token=token)
