"""HandoffClient: submit an application (outbox first, then retries) and answer status questions."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from typing import Optional

from bot.db import open_database
from bot.handoff.api import (
    Accepted,
    IntakeApi,
    IntakeUnavailable,
    Invalid,
    Outcome,
    Refused,
    Unavailable,
)
from bot.handoff.draft import ApplicationDraft
from bot.handoff.outbox import Outbox, OutboxItem
from bot.handoff.receipt import Receipt, StatusReport
from bot.handoff.retry import RetryPolicy
from bot.sealing import Sealer
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class HandoffClient:
    """One per process: its HTTP session belongs to the event loop that first uses it."""

    def __init__(self, api: IntakeApi, outbox: Outbox, retry: RetryPolicy = RetryPolicy()):
        self.api, self.outbox, self.retry = api, outbox, retry
        # Who holds a lease: several processes may share one outbox file.
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    @classmethod
    def from_settings(
        cls, settings: Optional[Settings] = None, retry: RetryPolicy = RetryPolicy()
    ) -> HandoffClient:
        settings = settings or get_settings()
        api = IntakeApi(settings.intake_base_url, settings.intake_token, retry.timeout_s)
        return cls(api, Outbox(open_database(settings.db_url, durable=True), Sealer.from_settings(settings)), retry)

    async def submit(self, draft: ApplicationDraft) -> Receipt:
        """Never loses the application and never files it twice: it is in the outbox before
        the first request, and every request carries the draft's one idempotency key.
        Raises DatabaseUnavailable only when the local outbox itself cannot be written; then
        nothing was sent either."""
        item = await self.outbox.put(draft)
        if item.state != "pending" or not await self.outbox.claim(
            item.idempotency_key, self.owner, self.retry.lease_s
        ):
            return receipt_for(item)  # already settled, or a worker is sending it right now
        requests = 0
        try:
            while True:
                outcome = await self.api.post_application(item.body)
                requests += 1
                if not isinstance(outcome, Unavailable) or requests >= self.retry.attempts:
                    break
                await asyncio.sleep(self.retry.delay(requests - 1))
        except BaseException:
            await self.outbox.release(item.idempotency_key, self.owner)  # cancelled: let others retry
            raise
        return receipt_for(await self._record(item, outcome, requests, told=True))

    async def deliver_due(self, limit: int = 20) -> int:
        """One attempt for each queued application whose retry time has come; the number
        delivered. The outbox worker calls this on a timer; the people concerned are told
        afterwards (Outbox.take_unannounced)."""
        delivered = 0
        for item in await self.outbox.due(limit):
            if not await self.outbox.claim(item.idempotency_key, self.owner, self.retry.lease_s):
                continue
            try:
                outcome = await self.api.post_application(item.body)
            except BaseException:
                await self.outbox.release(item.idempotency_key, self.owner)
                raise
            recorded = await self._record(item, outcome, requests=1, told=False)
            delivered += recorded.state == "delivered"
        return delivered

    async def earlier(self, bundle_id: str, id_number: Optional[str], within_s: float = 24 * 3600) -> Optional[Receipt]:
        """The receipt of the same person's application for the same bundle in the last day."""
        item = await self.outbox.earlier(bundle_id, id_number, time.time() - within_s)
        return receipt_for(item) if item is not None else None

    async def status(self, reference: str) -> StatusReport:
        """Answers "我的申请到哪一步了" for a receipt number, a provisional reference (mapped to
        the real application once delivered) or an application id."""
        reference = reference.strip()
        item = await self.outbox.find(reference)
        if item is not None and item.state == "pending":
            return StatusReport(
                reference=reference, status="queued", provisional_ref=item.provisional_ref,
                bundle_id=item.bundle_id,
            )
        if item is not None and item.state == "rejected":
            return StatusReport(
                reference=reference, status="rejected", provisional_ref=item.provisional_ref,
                bundle_id=item.bundle_id, errors=item.errors(),
            )
        try:
            if item is not None:
                view = await self.api.get_application(item.application_id or "")
            else:
                view = await self.api.find_by_receipt(reference.upper())
                if view is None and _looks_like_application_id(reference):
                    view = await self.api.get_application(reference.lower())
        except IntakeUnavailable as error:
            logger.warning("status of %s unavailable: %s", reference, error)
            return StatusReport(reference=reference, status="unavailable")
        if view is None:
            return StatusReport(reference=reference, status="not_found")
        provisional_ref = item.provisional_ref if item is not None else None
        return StatusReport.from_view(reference, view, provisional_ref)

    async def _record(self, item: OutboxItem, outcome: Outcome, requests: int, told: bool) -> OutboxItem:
        key = item.idempotency_key
        if isinstance(outcome, Accepted):
            logger.info("application %s delivered as %s", item.provisional_ref,
                        outcome.created.receipt_no)
            return await self.outbox.mark_delivered(key, outcome.created, told=told)
        if isinstance(outcome, Invalid):
            logger.info("application %s rejected: %s", item.provisional_ref,
                        ", ".join(f"{e.field}:{e.code}" for e in outcome.errors))
            return await self.outbox.mark_rejected(key, outcome.errors)
        if isinstance(outcome, Refused):
            # Kept, not dropped: once the configuration is fixed the worker delivers it.
            logger.error("application %s refused (%s); kept in the outbox",
                         item.provisional_ref, outcome.detail)
            return await self.outbox.mark_failed(key, outcome.detail, requests, self.retry.max_delay_s)
        retry_in = self.retry.delay(item.attempts + requests)
        logger.warning("application %s not delivered yet (%s); next try in %.1fs",
                       item.provisional_ref, outcome.detail, retry_in)
        return await self.outbox.mark_failed(key, outcome.detail, requests, retry_in)

    async def close(self) -> None:
        await self.api.close()


def receipt_for(item: OutboxItem) -> Receipt:
    if item.state == "delivered":
        created = item.created()
        return Receipt(
            status="submitted", receipt_no=created.receipt_no, bundle_id=item.bundle_id,
            application_id=created.application_id, next_steps=created.next_steps,
        )
    if item.state == "rejected":
        return Receipt(
            status="rejected", receipt_no=item.provisional_ref, bundle_id=item.bundle_id,
            errors=item.errors(),
        )
    return Receipt(status="queued", receipt_no=item.provisional_ref, bundle_id=item.bundle_id)


def _looks_like_application_id(reference: str) -> bool:
    return len(reference) == 32 and all(c in "0123456789abcdef" for c in reference.lower())
