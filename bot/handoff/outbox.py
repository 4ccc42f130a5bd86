"""The durable outbox: every application is written here before the first attempt to send it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import List, Literal, Optional

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection, Row

from bot.clock import china_time
from bot.db import Database
from bot.db.tables import outbox as table
from bot.intake.contract import ApplicationBody, ApplicationCreated, FieldError
from bot.intake.references import readable_code
from bot.sealing import Sealer

State = Literal["pending", "delivered", "rejected"]
_c = table.c


@dataclass(frozen=True)
class OutboxItem:
    idempotency_key: str
    provisional_ref: str
    conversation_id: Optional[str]
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
    day = china_time(now)
    return f"LS-{day:%Y%m%d}-{readable_code()}"


class Outbox:
    """Rows in the bot's database, shared safely by any number of processes (short
    transactions, leases for delivery). Every call runs off the event loop. A body (the
    applicant's ID number, phone, form values) is sealed at rest until it is delivered, when
    it is erased."""

    def __init__(self, db: Database, sealer: Sealer) -> None:
        self.db = db
        self.sealer = sealer

    async def put(self, draft: ApplicationBody) -> OutboxItem:
        """Store the draft unless its key is already here. A rejected draft that comes back
        with other content is a corrected application: it becomes pending again (the API
        stored nothing for the rejected one, so the same key is still free there)."""
        body, now = draft.json(), time.time()

        def work(conn: Connection) -> OutboxItem:
            row = conn.execute(select(_c.state, _c.body).where(_c.idempotency_key == draft.idempotency_key)).first()
            if row is None:
                conn.execute(table.insert().values(
                    idempotency_key=draft.idempotency_key, provisional_ref=new_provisional_ref(now),
                    conversation_id=draft.conversation_id, bundle_id=draft.bundle_id, body=self.sealer.seal(body),
                    applicant_key=self.applicant_key(draft.applicant.id_number),
                    state="pending", attempts=0, next_attempt_at=now, notified=False,
                    created_at=now, updated_at=now,
                ))
            elif row.state == "rejected" and self.sealer.open(row.body) != body:
                conn.execute(table.update().where(_c.idempotency_key == draft.idempotency_key).values(
                    body=self.sealer.seal(body), bundle_id=draft.bundle_id, state="pending", attempts=0, result=None,
                    last_error=None, next_attempt_at=now, updated_at=now,
                ))
            return self._require(conn, draft.idempotency_key)

        return await self.db.run(work, writer=True)

    def applicant_key(self, id_number: Optional[str]) -> Optional[str]:
        return self.sealer.fingerprint(id_number.strip().upper()) if id_number else None

    async def earlier(self, bundle_id: str, id_number: Optional[str], since: float) -> Optional[OutboxItem]:
        """The first application for `bundle_id` by the holder of `id_number` since `since`
        that was not rejected, if any."""
        key = self.applicant_key(id_number)
        if key is None:
            return None

        def work(conn: Connection) -> Optional[OutboxItem]:
            row = conn.execute(
                select(table).where(_c.applicant_key == key, _c.bundle_id == bundle_id, _c.created_at >= since,
                                    _c.state != "rejected").order_by(_c.created_at).limit(1)
            ).first()
            return self._item(row) if row else None

        return await self.db.run(work)

    async def claim(self, key: str, owner: str, lease_s: float) -> bool:
        """Take a pending item for delivery; False when it is not pending or someone holds it."""
        now = time.time()

        def work(conn: Connection) -> bool:
            return conn.execute(
                table.update()
                .where(_c.idempotency_key == key, _c.state == "pending")
                .where(or_(_c.lease_until.is_(None), _c.lease_until < now))
                .values(lease_owner=owner, lease_until=now + lease_s)
            ).rowcount == 1

        return await self.db.run(work, writer=True)

    async def release(self, key: str, owner: str) -> None:
        await self.db.run(lambda conn: conn.execute(
            table.update().where(_c.idempotency_key == key, _c.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        ), writer=True)

    async def due(self, limit: int = 20) -> List[OutboxItem]:
        now = time.time()

        def work(conn: Connection) -> List[OutboxItem]:
            rows = conn.execute(
                select(table).where(_c.state == "pending", _c.next_attempt_at <= now)
                .where(or_(_c.lease_until.is_(None), _c.lease_until < now))
                .order_by(_c.next_attempt_at).limit(limit)
            ).all()
            return [self._item(row) for row in rows]

        return await self.db.run(work)

    async def mark_delivered(self, key: str, created: ApplicationCreated, told: bool = True) -> OutboxItem:
        """`told`: the person got the receipt in the reply. A queued application delivered
        later (told=False) is announced to the person by the worker (`take_unannounced`).
        The department's system holds the application now: the applicant's ID number, phone
        and form values have no reason to stay on the bot's disk. Key and receipt remain, so
        a retried submission still maps to the one application."""
        return await self._finish(key, "delivered", created.json(), created.application_id, created.receipt_no,
                                  forget_body=True, notified=told)

    async def mark_rejected(self, key: str, errors: List[FieldError]) -> OutboxItem:
        return await self._finish(key, "rejected", json.dumps([e.dict() for e in errors]), None, None)

    async def mark_failed(self, key: str, error: str, attempts: int, retry_in_s: float) -> OutboxItem:
        now = time.time()

        def work(conn: Connection) -> OutboxItem:
            conn.execute(
                table.update().where(_c.idempotency_key == key, _c.state == "pending").values(
                    attempts=_c.attempts + attempts, last_error=error[:500], next_attempt_at=now + retry_in_s,
                    lease_owner=None, lease_until=None, updated_at=now,
                )
            )
            return self._require(conn, key)

        return await self.db.run(work, writer=True)

    async def take_unannounced(self, limit: int = 20) -> List[OutboxItem]:
        """Delivered items whose person has not been told yet, each handed out once across
        processes (a person is told at most once; a crash in between loses the notice, never
        doubles it)."""

        def work(conn: Connection) -> List[OutboxItem]:
            rows = conn.execute(
                select(table).where(_c.state == "delivered", _c.notified.is_(False)).limit(limit)
            ).all()
            taken = []
            for row in rows:
                won = conn.execute(
                    table.update().where(_c.idempotency_key == row.idempotency_key, _c.notified.is_(False))
                    .values(notified=True)
                ).rowcount
                if won:
                    taken.append(self._item(row))
            return taken

        return await self.db.run(work, writer=True)

    async def get(self, key: str) -> Optional[OutboxItem]:
        return await self.db.run(lambda conn: self._get(conn, key))

    async def find(self, reference: str) -> Optional[OutboxItem]:
        """The item a citizen's reference points at: provisional ref, receipt number or id."""

        def work(conn: Connection) -> Optional[OutboxItem]:
            row = conn.execute(select(table).where(or_(
                _c.provisional_ref == reference.upper(), _c.receipt_no == reference.upper(),
                _c.application_id == reference.lower(), _c.idempotency_key == reference,
            ))).first()
            return self._item(row) if row else None

        return await self.db.run(work)

    async def count(self, state: Optional[State] = None) -> int:
        query = select(func.count()).select_from(table)
        if state is not None:
            query = query.where(_c.state == state)
        return await self.db.run(lambda conn: conn.execute(query).scalar_one())

    async def _finish(self, key: str, state: State, result: str, application_id: Optional[str],
                      receipt_no: Optional[str], forget_body: bool = False, notified: bool = True) -> OutboxItem:
        values = dict(state=state, result=result, application_id=application_id, receipt_no=receipt_no,
                      last_error=None, lease_owner=None, lease_until=None, updated_at=time.time(),
                      notified=notified)
        if forget_body:
            values["body"] = ""

        def work(conn: Connection) -> OutboxItem:
            conn.execute(table.update().where(_c.idempotency_key == key).values(**values))
            return self._require(conn, key)

        return await self.db.run(work, writer=True)

    def _get(self, conn: Connection, key: str) -> Optional[OutboxItem]:
        row = conn.execute(select(table).where(_c.idempotency_key == key)).first()
        return self._item(row) if row else None

    def _require(self, conn: Connection, key: str) -> OutboxItem:
        item = self._get(conn, key)
        if item is None:
            raise KeyError(key)
        return item

    def _item(self, row: Row) -> OutboxItem:
        data = dict(row._mapping)
        data["body"] = self.sealer.open(data["body"]) or ""
        return OutboxItem(**{name: data[name] for name in OutboxItem.__dataclass_fields__})
