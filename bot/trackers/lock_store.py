"""A ticket lock store in SQLite, so that several Rasa server processes share conversations.

Rasa serialises the messages of one conversation with ticket locks; its in-memory store
limits the server to one process. Here every read-modify-write of a lock is one SQLite
transaction (BEGIN IMMEDIATE), so two processes never issue the same ticket."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig


class SqliteLockStore(LockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, db: Optional[str] = None) -> None:
        path = Path(db or (endpoint_config.kwargs.get("db") if endpoint_config else None) or "var/locks.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._path = str(path)
        with self._connection() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS locks (conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)")
        super().__init__()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        yield conn

    def _atomically(self, conversation_id: str, change: Callable[[Optional[TicketLock]], Any]) -> Any:
        """Read the lock, change it, write it back (or delete it when `change` empties it)."""
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                lock = self._read(conn, conversation_id)
                result = change(lock)
                if lock is not None:
                    if lock.tickets:
                        conn.execute(
                            "INSERT INTO locks (conversation_id, lock) VALUES (?, ?) "
                            "ON CONFLICT(conversation_id) DO UPDATE SET lock = excluded.lock",
                            (conversation_id, lock.dumps()),
                        )
                    else:
                        conn.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))
                conn.execute("COMMIT")
                return result
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @staticmethod
    def _read(conn: sqlite3.Connection, conversation_id: str) -> Optional[TicketLock]:
        row = conn.execute("SELECT lock FROM locks WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    # -- the LockStore interface -----------------------------------------------------------

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        with self._connection() as conn:
            return self._read(conn, conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        with self._connection() as conn:
            conn.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO locks (conversation_id, lock) VALUES (?, ?) "
                "ON CONFLICT(conversation_id) DO UPDATE SET lock = excluded.lock",
                (lock.conversation_id, lock.dumps()),
            )

    # -- read-modify-write operations, each one transaction ---------------------------------

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with self._connection() as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    lock = self._read(conn, conversation_id) or self.create_lock(conversation_id)
                    ticket = lock.issue_ticket(lock_lifetime)
                    conn.execute(
                        "INSERT INTO locks (conversation_id, lock) VALUES (?, ?) "
                        "ON CONFLICT(conversation_id) DO UPDATE SET lock = excluded.lock",
                        (conversation_id, lock.dumps()),
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            return ticket
        except sqlite3.Error as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        self._atomically(conversation_id, lambda lock: lock and lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._atomically(conversation_id, lambda lock: lock and lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Finishing the last ticket deletes the lock in the same transaction.
        self.finish_serving(conversation_id, ticket_number)
