"""The same service on PostgreSQL: only the database URL changes."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import func, select

from bot.intake.store import ApplicationStore, applications
from bot.sealing import Sealer
from tests.intake.payloads import newborn_application
from tests.intake.server import IntakeServer
from tests.support.postgres import postgres_url


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    yield from postgres_url()


@pytest.fixture(scope="module")
def pg_intake(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[IntakeServer]:
    server = IntakeServer(tmp_path_factory.mktemp("pg-intake"), database_url=pg_url).start()
    yield server
    server.stop()


def pg_rows(url: str) -> int:
    store = ApplicationStore(url, Sealer.generated())
    try:
        with store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(applications)).scalar_one()
    finally:
        store.close()


def test_an_application_is_stored_in_postgresql(pg_intake: IntakeServer, pg_url: str) -> None:
    before = pg_rows(pg_url)
    pg_intake.request("POST", "/applications", newborn_application())
    assert pg_rows(pg_url) == before + 1


def test_the_same_key_again_is_one_application_in_postgresql(
    pg_intake: IntakeServer, pg_url: str
) -> None:
    body = newborn_application()
    pg_intake.request("POST", "/applications", body)
    before = pg_rows(pg_url)
    status, _ = pg_intake.request("POST", "/applications", body)
    assert (status, pg_rows(pg_url)) == (200, before)


def test_the_status_history_comes_back_from_postgresql(pg_intake: IntakeServer) -> None:
    _, created = pg_intake.request("POST", "/applications", newborn_application())
    path = f"/applications/{created['application_id']}"
    pg_intake.request("POST", f"{path}/status", {"status": "accepted", "note": "预审通过"})
    _, view = pg_intake.request("GET", path)
    assert [(e["status"], e["note"]) for e in view["history"]] == [
        ("submitted", None), ("accepted", "预审通过")
    ]


def test_no_sqlite_file_is_made_when_postgresql_is_configured(pg_intake: IntakeServer) -> None:
    assert not Path(pg_intake.db_path).exists()
