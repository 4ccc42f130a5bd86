"""Shared fixtures: the real catalogue and engine, loaded once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalogue import Catalogue, load_catalogue
from bot.engine import Engine

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT / "rules")


@pytest.fixture(scope="session")
def engine(catalogue: Catalogue) -> Engine:
    return Engine(catalogue)
