"""SQLAlchemy engines from a URL: SQLite files (WAL, real transactions) or PostgreSQL, one code path."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool

# How long a statement waits for a lock held by another connection before it fails. A
# `?timeout=` in the database URL overrides it.
SQLITE_BUSY_TIMEOUT_S = 5.0


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, durable: bool = False, busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S) -> Engine:
    """`durable` makes every SQLite commit reach the disk before it returns (synchronous=FULL):
    for records that must survive a power cut the moment they are acknowledged (the outbox)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, future=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args: Dict[str, Any] = {"check_same_thread": False}  # calls run in worker threads
    if "timeout" not in parsed.query:
        connect_args["timeout"] = busy_timeout_s
    # SQLAlchemy 1.4 opens a new SQLite connection per use by default; a pool keeps them.
    engine = create_engine(url, connect_args=connect_args, future=True, poolclass=QueuePool,
                           pool_size=4, max_overflow=8)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling begins lazily and never as a writer; we emit
        # BEGIN ourselves (below) so that a read-then-write transaction cannot deadlock.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: readers keep working while a conversation or an application is being written.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A writer takes the write lock up front (and waits for it up to the busy timeout).
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writer") else "BEGIN")

    return engine
