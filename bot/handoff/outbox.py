"""The durable outbox: every application is written here before the first attempt to send it."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator, List, Literal, Optional

from bot.intake.contract import ApplicationBody, ApplicationCreated, FieldError
from bot.intake.references import CHINA_TIME, readable_code

State = Literal["pending", "delivered", "rejected"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    idempotency_key TEXT PRIMARY KEY,
    provisional_ref TEXT NOT NULL UNIQUE,
    bundle_id TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    lease_owner TEXT,
    lease_until REAL,
    last_error TEXT,
    application_id TEXT,
    receipt_no TEXT,
    result TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbox_receipt ON outbox (receipt_no);
CREATE INDEX IF NOT EXISTS outbox_application ON outbox (application_id);
"""


@dataclass(frozen=True)
class OutboxItem:
    idempotency_key: str
    provisional_ref: str
    bundle_id: str
    body: str  # the exact JSON sent, so that every retry is byte-for-byte the same request
    state: State
    attempts: int  # failed attempts so far: the backoff grows with them
    next_attempt_at: float
    last_error: Optional[str]
    application_id: Optional[str]
    receipt_no: Optional[str]
    result: Optional[str]  # delivered: the API's answer; rejected: the field errors

    def created(self) -> ApplicationCreated:
        return ApplicationCreated.parse_raw(self.result or "{}")

    def errors(self) -> List[FieldError]:
        return [FieldError.parse_obj(e) for e in json.loads(self.result or "[]")]


def new_provisional_ref(now: float) -> str:
    """LS-20241121-7K3F9Q (LS: 临时): readable like a receipt number, visibly not one."""
    day = datetime.fromtimestamp(now, CHINA_TIME)
    return f"LS-{day:%Y%m%d}-{readable_code()}"


class Outbox:
    """A SQLite file shared safely by any number of processes (WAL, short transactions).
    Calls are synchronous: each is a local write of a few kilobytes."""

    def __init__(self, path: Path, busy_timeout_s: float = 5.0):
        self.path = Path(path)
        self._busy_timeout_s = busy_timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as conn:
            conn.executescript(_SCHEMA)
            # Files written before delivered bodies were erased.
            conn.execute("UPDATE outbox SET body = '' WHERE state = 'delivered' AND body != ''")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(
            sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None)
        ) as conn:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # an acknowledged put survives power loss
            yield conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def put(self, draft: ApplicationBody) -> OutboxItem:
        """Store the draft unless its key is already here. A rejected draft that comes back
        with other content is a corrected application: it becomes pending again (the API
        stored nothing for the rejected one, so the same key is still free there)."""
        body, now = draft.json(), time.time()
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT state, body FROM outbox WHERE idempotency_key = ?",
                (draft.idempotency_key,),
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO outbox (idempotency_key, provisional_ref, bundle_id, body, state,"
                    " next_attempt_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
                    (draft.idempotency_key, new_provisional_ref(now), draft.bundle_id, body,
                     now, now, now),
                )
            elif row["state"] == "rejected" and row["body"] != body:
                conn.execute(
                    "UPDATE outbox SET body = ?, bundle_id = ?, state = 'pending', attempts = 0,"
                    " result = NULL, last_error = NULL, next_attempt_at = ?, updated_at = ?"
                    " WHERE idempotency_key = ?",
                    (body, draft.bundle_id, now, now, draft.idempotency_key),
                )
        return self._require(draft.idempotency_key)

    def claim(self, key: str, owner: str, lease_s: float) -> bool:
        """Take a pending item for delivery; False when it is not pending or someone holds it."""
        now = time.time()
        with self._connection() as conn:
            cursor = conn.execute(
                "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE idempotency_key = ?"
                " AND state = 'pending' AND (lease_until IS NULL OR lease_until < ?)",
                (owner, now + lease_s, key, now),
            )
            return cursor.rowcount == 1

    def release(self, key: str, owner: str) -> None:
        with self._connection() as conn:
            conn.execute(
                "UPDATE outbox SET lease_owner = NULL, lease_until = NULL"
                " WHERE idempotency_key = ? AND lease_owner = ?",
                (key, owner),
            )

    def due(self, limit: int = 20) -> List[OutboxItem]:
        now = time.time()
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
                " AND (lease_until IS NULL OR lease_until < ?)"
                " ORDER BY next_attempt_at LIMIT ?",
                (now, now, limit),
            ).fetchall()
        return [self._item(row) for row in rows]

    def mark_delivered(self, key: str, created: ApplicationCreated) -> OutboxItem:
        # The department's system holds the application now: the applicant's ID number, phone
        # and form values have no reason to stay on the bot's disk. Key and receipt remain, so
        # a retried submission still maps to the one application.
        return self._finish(
            key, "delivered", created.json(), created.application_id, created.receipt_no, forget_body=True
        )

    def mark_rejected(self, key: str, errors: List[FieldError]) -> OutboxItem:
        return self._finish(key, "rejected", json.dumps([e.dict() for e in errors]), None, None)

    def mark_failed(self, key: str, error: str, attempts: int, retry_in_s: float) -> OutboxItem:
        now = time.time()
        with self._connection() as conn:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + ?, last_error = ?, next_attempt_at = ?,"
                " lease_owner = NULL, lease_until = NULL, updated_at = ?"
                " WHERE idempotency_key = ? AND state = 'pending'",
                (attempts, error[:500], now + retry_in_s, now, key),
            )
        return self._require(key)

    def get(self, key: str) -> Optional[OutboxItem]:
        with self._connection() as conn:
            row = conn.execute(
                "SELECT * FROM outbox WHERE idempotency_key = ?", (key,)
            ).fetchone()
        return self._item(row) if row else None

    def find(self, reference: str) -> Optional[OutboxItem]:
        """The item a citizen's reference points at: provisional ref, receipt number or id."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT * FROM outbox WHERE provisional_ref = ? OR receipt_no = ?"
                " OR application_id = ? OR idempotency_key = ?",
                (reference.upper(), reference.upper(), reference.lower(), reference),
            ).fetchone()
        return self._item(row) if row else None

    def count(self, state: Optional[State] = None) -> int:
        with self._connection() as conn:
            if state is None:
                return conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
            return conn.execute(
                "SELECT COUNT(*) FROM outbox WHERE state = ?", (state,)
            ).fetchone()[0]

    def _finish(
        self,
        key: str,
        state: State,
        result: str,
        application_id: Optional[str],
        receipt_no: Optional[str],
        forget_body: bool = False,
    ) -> OutboxItem:
        with self._connection() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, result = ?, application_id = ?, receipt_no = ?,"
                " last_error = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ?,"
                " body = CASE WHEN ? THEN '' ELSE body END"
                " WHERE idempotency_key = ?",
                (state, result, application_id, receipt_no, time.time(), forget_body, key),
            )
        return self._require(key)

    def _require(self, key: str) -> OutboxItem:
        item = self.get(key)
        if item is None:
            raise KeyError(key)
        return item

    @staticmethod
    def _item(row: sqlite3.Row) -> OutboxItem:
        return OutboxItem(**{name: row[name] for name in OutboxItem.__dataclass_fields__})
