"""Fixtures for the identity tests: the intake server also serves the demo identity service."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.intake.server import IntakeServer


@pytest.fixture(scope="session")
def identity_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IntakeServer]:
    server = IntakeServer(tmp_path_factory.mktemp("identity")).start()
    yield server
    server.stop()
