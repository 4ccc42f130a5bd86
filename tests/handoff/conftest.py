"""Fixtures for the hand-off tests: a real intake server and a client with its own outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.handoff.harness import Harness, nowhere
from tests.intake.server import IntakeServer


@pytest.fixture(scope="session")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IntakeServer]:
    server = IntakeServer(tmp_path_factory.mktemp("handoff-intake")).start()
    yield server
    server.stop()


@pytest.fixture
def bot(intake: IntakeServer, tmp_path: Path) -> Harness:
    """The bot's client, the API up."""
    return Harness(intake.url, tmp_path / "outbox.db")


@pytest.fixture
def bot_api_down(tmp_path: Path) -> Harness:
    """The bot's client, the API down."""
    return Harness(nowhere(), tmp_path / "outbox.db")
