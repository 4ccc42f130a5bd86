"""Database: one engine, its schema, and the worker threads its blocking calls run in."""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, Optional, Tuple, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot.db.engine import is_sqlite, make_engine
from bot.db.tables import metadata

logger = logging.getLogger(__name__)
T = TypeVar("T")
SCHEMA_LOCK_KEY = 7_305_001  # any constant: the advisory lock that serialises schema creation


class DatabaseUnavailable(RuntimeError):
    """The database is locked, unreachable or failing: nothing was written; try again later."""


_open: Dict[Tuple[str, bool], Database] = {}
_open_lock = threading.Lock()
# SQLite: one writer lock per database file for the whole process. Writers of one process queue
# here in turn instead of in SQLite's busy handler, which polls with sleeps growing to 100 ms:
# under 20 concurrent conversations a write that lost a few polls waited 100–200 ms for a lock
# free after a few. Other processes still meet at SQLite's own lock.
_sqlite_writers: Dict[str, threading.Lock] = {}
_sqlite_writers_lock = threading.Lock()
# A writer queued behind this long is failed like one past SQLite's busy timeout (the caller
# answers politely) rather than left waiting.
WRITER_QUEUE_S = 30.0


def open_database(url: str, durable: bool = False) -> Database:
    """The process's one Database per URL (and durability), its schema created on first use."""
    with _open_lock:
        db = _open.get((url, durable))
        if db is None:
            db = Database(url, durable=durable)
            db.create_schema()
            _open[(url, durable)] = db
        return db


class Database:
    """SQLAlchemy Core calls are blocking: they run on this database's own small thread pool so
    that the event loop never waits on SQL, and every call is one transaction."""

    def __init__(self, url: str, durable: bool = False, threads: int = 4) -> None:
        self.url = url
        self.sqlite = is_sqlite(url)
        self.engine = make_engine(url, durable=durable)
        self._executor: Optional[ThreadPoolExecutor] = None
        self._threads = threads
        self._writer_lock: Optional[threading.Lock] = None
        if self.sqlite:
            with _sqlite_writers_lock:
                self._writer_lock = _sqlite_writers.setdefault(self.engine.url.database or url, threading.Lock())

    def create_schema(self) -> None:
        def create(conn: Connection) -> None:
            if self.engine.dialect.name == "postgresql":
                # Several processes starting at once on one PostgreSQL would each find a table
                # missing and race to create it: one at a time (the lock ends with the transaction).
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            metadata.create_all(conn)

        self.call(create, writer=True)

    def call(self, work: Callable[[Connection], T], writer: bool = False) -> T:
        """Run `work` in one transaction (a writer's takes the write lock first on SQLite)."""
        try:
            if writer and self._writer_lock is not None:
                if not self._writer_lock.acquire(timeout=WRITER_QUEUE_S):
                    raise OperationalError("waiting for this process's other writers", None, Exception("timeout"))
                try:
                    return self._transaction(work, writer)
                finally:
                    self._writer_lock.release()
            return self._transaction(work, writer)
        except IntegrityError:
            raise  # a constraint the caller expects to meet now and then (a duplicate key)
        except (OperationalError, DBAPIError) as error:
            # Locked past the busy timeout, disk full, server gone: the caller answers politely.
            logger.warning("database unavailable: %s", str(error).splitlines()[0][:200])
            raise DatabaseUnavailable(str(error).splitlines()[0][:200]) from error

    def _transaction(self, work: Callable[[Connection], T], writer: bool) -> T:
        with self.engine.connect() as conn:
            if writer:
                conn = conn.execution_options(writer=True)
            with conn.begin():
                return work(conn)

    async def run(self, work: Callable[[Connection], T], writer: bool = False) -> T:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self._threads, thread_name_prefix="db")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.call, work, writer)

    def ping(self) -> None:
        self.call(lambda conn: conn.execute(text("SELECT 1")))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None
        self.engine.dispose()
