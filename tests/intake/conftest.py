"""Fixtures for the intake tests: one real server for the whole directory."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.intake.server import IntakeServer


@pytest.fixture(scope="session")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IntakeServer]:
    server = IntakeServer(tmp_path_factory.mktemp("intake")).start()
    yield server
    server.stop()
