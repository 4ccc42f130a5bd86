"""Storage trouble: a locked database answers 503 (retryable) and stores nothing."""

from __future__ import annotations

import sqlite3
from typing import Iterator

import pytest

from tests.intake.payloads import newborn_application
from tests.intake.server import IntakeServer


@pytest.fixture
def locked(intake: IntakeServer) -> Iterator[sqlite3.Connection]:
    """Another process holds the write lock on the intake database (as a backup tool might)."""
    conn = sqlite3.connect(intake.db_path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    yield conn
    conn.execute("ROLLBACK")
    conn.close()


def test_a_locked_database_answers_503(intake: IntakeServer, locked: sqlite3.Connection) -> None:
    status, _ = intake.request("POST", "/applications", newborn_application())
    assert status == 503


def test_a_locked_database_says_retryable(intake: IntakeServer, locked: sqlite3.Connection) -> None:
    _, answer = intake.request("POST", "/applications", newborn_application())
    assert (answer["error"], answer["retryable"]) == ("storage_unavailable", True)


def test_a_locked_database_stores_nothing(intake: IntakeServer) -> None:
    body = newborn_application()
    with sqlite3.connect(intake.db_path, isolation_level=None) as conn:
        conn.execute("BEGIN EXCLUSIVE")
        intake.request("POST", "/applications", body)
        conn.execute("ROLLBACK")
    status, _ = intake.request("POST", "/applications", body)
    assert status == 201  # 201, not 200: the first attempt left no row behind


def test_status_lookups_still_work_while_the_database_is_locked(intake: IntakeServer) -> None:
    _, created = intake.request("POST", "/applications", newborn_application())
    with sqlite3.connect(intake.db_path, isolation_level=None) as conn:
        conn.execute("BEGIN EXCLUSIVE")
        status, _ = intake.request("GET", f"/applications/{created['application_id']}")
        conn.execute("ROLLBACK")
    assert status == 200
