"""Applications and every status change, in SQL: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Callable, List, Optional, Tuple

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    text,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from bot.db.engine import make_engine
from bot.intake.contract import (
    FINAL_STATUSES,
    ApplicationBody,
    ApplicationCreated,
    ApplicationView,
    HistoryEntry,
    NextStep,
)
from bot.intake.references import new_application_id, new_receipt_no
from bot.sealing import Sealer

# How long a write waits for a lock held by another connection before it fails (and the API
# answers 503, retryable). A `?timeout=` in the database URL overrides it.
SQLITE_BUSY_TIMEOUT_S = 2.0

metadata = MetaData()

applications = Table(
    "applications",
    metadata,
    Column("application_id", String(32), primary_key=True),
    Column("receipt_no", String(32), nullable=False, unique=True),
    Column("idempotency_key", String(128), nullable=False, unique=True),
    # sha256 of the body: the same key with a different body is a client bug, not a retry.
    Column("body_digest", String(64), nullable=False),
    Column("bundle_id", String(64), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("applicant_kind", String(16), nullable=False),
    Column("status", String(32), nullable=False),
    # The application as received, sealed (bot/sealing.py): ID numbers, phones, names.
    Column("body", Text, nullable=False),
    Column("next_steps", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

status_history = Table(
    "status_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "application_id",
        String(32),
        ForeignKey("applications.application_id"),
        nullable=False,
        index=True,
    ),
    Column("status", String(32), nullable=False),
    Column("note", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)


class NotFound(LookupError):
    """No application with that id or receipt number."""


class IdempotencyConflict(ValueError):
    """The idempotency key was already used for a different application body."""


class FinalStatusError(ValueError):
    """The application is completed, refused or withdrawn: its status no longer changes."""


StepsFor = Callable[[ApplicationBody, str], List[NextStep]]


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    # SQLite hands datetimes back without their zone; they were written in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def body_digest(body: ApplicationBody) -> str:
    canonical = json.dumps(
        json.loads(body.json(exclude={"idempotency_key"})), sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ApplicationStore:
    """Synchronous on purpose (SQLAlchemy Core 1.4); the service calls it from worker threads."""

    def __init__(self, url: str, sealer: Sealer):
        self.engine = make_engine(url, busy_timeout_s=SQLITE_BUSY_TIMEOUT_S)
        self.sealer = sealer

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()

    def submit(self, body: ApplicationBody, steps_for: StepsFor) -> Tuple[ApplicationCreated, bool]:
        """Store a new application with its first history entry in one transaction; the bool
        says whether it is new (False: the idempotency key had been seen, nothing written)."""
        digest = body_digest(body)
        existing = self._by_key(body.idempotency_key)
        if existing is not None:
            return self._replay(existing, digest), False
        for _ in range(3):
            at = _now()
            application_id, receipt_no = new_application_id(), new_receipt_no(at)
            steps = steps_for(body, receipt_no)
            try:
                with self.engine.begin() as conn:
                    conn.execute(applications.insert().values(
                        application_id=application_id,
                        receipt_no=receipt_no,
                        idempotency_key=body.idempotency_key,
                        body_digest=digest,
                        bundle_id=body.bundle_id,
                        channel=body.channel,
                        applicant_kind=body.applicant.kind,
                        status="submitted",
                        body=self.sealer.seal(body.json()),
                        next_steps=[step.dict() for step in steps],
                        created_at=at,
                        updated_at=at,
                    ))
                    conn.execute(status_history.insert().values(
                        application_id=application_id, status="submitted", note=None, at=at
                    ))
            except IntegrityError:
                # Either a concurrent request with the same key won, or the random receipt
                # number collided: the first is answered as a replay, the second drawn again.
                existing = self._by_key(body.idempotency_key)
                if existing is not None:
                    return self._replay(existing, digest), False
                continue
            created = ApplicationCreated(
                application_id=application_id, receipt_no=receipt_no, status="submitted",
                next_steps=steps,
            )
            return created, True
        raise RuntimeError("could not draw a free receipt number")

    def view(self, application_id: str) -> ApplicationView:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(applications).where(applications.c.application_id == application_id)
            ).first()
            return self._view(conn, row)

    def view_by_receipt(self, receipt_no: str) -> ApplicationView:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(applications).where(applications.c.receipt_no == receipt_no)
            ).first()
            return self._view(conn, row)

    def change_status(
        self, application_id: str, status: str, note: Optional[str]
    ) -> ApplicationView:
        at = _now()
        with self.engine.begin() as conn:
            # One conditional UPDATE decides atomically whether the status may still change.
            changed = conn.execute(
                applications.update()
                .where(applications.c.application_id == application_id)
                .where(applications.c.status.notin_(FINAL_STATUSES))
                .values(status=status, updated_at=at)
            ).rowcount
            if not changed:
                exists = conn.execute(
                    select(applications.c.status)
                    .where(applications.c.application_id == application_id)
                ).first()
                raise FinalStatusError(exists.status) if exists else NotFound(application_id)
            conn.execute(status_history.insert().values(
                application_id=application_id, status=status, note=note, at=at
            ))
        return self.view(application_id)

    def _by_key(self, key: str) -> Optional[Row]:
        with self.engine.connect() as conn:
            return conn.execute(
                select(applications).where(applications.c.idempotency_key == key)
            ).first()

    @staticmethod
    def _replay(row: Row, digest: str) -> ApplicationCreated:
        if row.body_digest != digest:
            raise IdempotencyConflict(row.application_id)
        return ApplicationCreated(
            application_id=row.application_id, receipt_no=row.receipt_no, status=row.status,
            next_steps=row.next_steps,
        )

    @staticmethod
    def _view(conn: Connection, row: Optional[Row]) -> ApplicationView:
        if row is None:
            raise NotFound()
        history = conn.execute(
            select(status_history)
            .where(status_history.c.application_id == row.application_id)
            .order_by(status_history.c.id)
        ).all()
        return ApplicationView(
            application_id=row.application_id,
            receipt_no=row.receipt_no,
            bundle_id=row.bundle_id,
            status=row.status,
            history=[HistoryEntry(status=h.status, at=_utc(h.at), note=h.note) for h in history],
            next_steps=row.next_steps,
            created_at=_utc(row.created_at),
            updated_at=_utc(row.updated_at),
        )
