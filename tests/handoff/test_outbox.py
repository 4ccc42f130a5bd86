"""The durable outbox file: one row per key, exclusive claims, due times, references."""

from __future__ import annotations

import re
import time

import pytest

from bot.db import Database
from bot.handoff.outbox import Outbox
from bot.intake.contract import ApplicationCreated, FieldError
from bot.sealing import Sealer
from tests.handoff.harness import SyncOutbox, draft

SEALER = Sealer.generated()


def opened(db_url: str) -> SyncOutbox:
    db = Database(db_url, durable=True)
    db.create_schema()
    return SyncOutbox(Outbox(db, SEALER))


@pytest.fixture
def outbox(db_url: str) -> SyncOutbox:
    """On SQLite and on PostgreSQL: the same code, only the URL differs."""
    return opened(db_url)


def test_the_same_draft_put_twice_is_one_item(outbox: SyncOutbox) -> None:
    application = draft()
    outbox.put(application)
    outbox.put(application)
    assert outbox.count() == 1


def test_an_item_survives_reopening_the_file(outbox: SyncOutbox) -> None:
    application = draft()
    outbox.put(application)
    reopened = opened(outbox.outbox.db.url)
    assert reopened.get(application.idempotency_key) is not None


def test_the_body_is_kept_byte_for_byte(outbox: SyncOutbox) -> None:
    application = draft()
    assert outbox.put(application).body == application.json()


def test_a_provisional_reference_is_dated_and_readable(outbox: SyncOutbox) -> None:
    assert re.fullmatch(r"LS-\d{8}-[2-9A-HJ-NP-Z]{6}", outbox.put(draft()).provisional_ref)


def test_only_one_claimer_gets_an_item(outbox: SyncOutbox) -> None:
    key = outbox.put(draft()).idempotency_key
    assert [outbox.claim(key, "a", 60), outbox.claim(key, "b", 60)] == [True, False]


def test_an_expired_lease_can_be_claimed_again(outbox: SyncOutbox) -> None:
    key = outbox.put(draft()).idempotency_key
    outbox.claim(key, "crashed", 0.0)
    time.sleep(0.01)
    assert outbox.claim(key, "b", 60)


def test_a_released_item_can_be_claimed_again(outbox: SyncOutbox) -> None:
    key = outbox.put(draft()).idempotency_key
    outbox.claim(key, "a", 60)
    outbox.release(key, "a")
    assert outbox.claim(key, "b", 60)


def test_a_claimed_item_is_not_due(outbox: SyncOutbox) -> None:
    key = outbox.put(draft()).idempotency_key
    outbox.claim(key, "a", 60)
    assert outbox.due() == []


def test_a_failed_item_is_not_due_before_its_retry_time(outbox: SyncOutbox) -> None:
    key = outbox.put(draft()).idempotency_key
    outbox.mark_failed(key, "HTTP 503", attempts=1, retry_in_s=60)
    assert outbox.due() == []


def test_a_failed_item_is_due_after_its_retry_time(outbox: SyncOutbox) -> None:
    key = outbox.put(draft()).idempotency_key
    outbox.mark_failed(key, "HTTP 503", attempts=1, retry_in_s=0)
    assert [item.idempotency_key for item in outbox.due()] == [key]


def test_a_delivered_item_is_found_by_its_receipt_number(outbox: SyncOutbox) -> None:
    key = outbox.put(draft()).idempotency_key
    created = ApplicationCreated(application_id="a" * 32, receipt_no="YJS-20240101-AAAAAA",
                                 status="submitted")
    outbox.mark_delivered(key, created)
    assert outbox.find("yjs-20240101-aaaaaa").idempotency_key == key  # type: ignore[union-attr]


def test_a_delivered_item_no_longer_holds_the_applicant_s_data(outbox: SyncOutbox) -> None:
    key = outbox.put(draft()).idempotency_key
    created = ApplicationCreated(application_id="a" * 32, receipt_no="YJS-20240101-AAAAAA",
                                 status="submitted")
    assert outbox.mark_delivered(key, created).body == ""


def test_a_delivered_draft_put_again_stays_one_delivered_item(outbox: SyncOutbox) -> None:
    application = draft()
    key = outbox.put(application).idempotency_key
    created = ApplicationCreated(application_id="a" * 32, receipt_no="YJS-20240101-AAAAAA",
                                 status="submitted")
    outbox.mark_delivered(key, created)
    assert (outbox.put(application).state, outbox.count()) == ("delivered", 1)


def test_a_provisional_reference_is_found_in_lower_case(outbox: SyncOutbox) -> None:
    item = outbox.put(draft())
    assert outbox.find(item.provisional_ref.lower()).idempotency_key == item.idempotency_key  # type: ignore[union-attr]


def test_a_rejected_draft_put_again_unchanged_stays_rejected(outbox: SyncOutbox) -> None:
    application = draft()
    outbox.put(application)
    outbox.mark_rejected(application.idempotency_key,
                         [FieldError(field="applicant.phone", code="mobile_format", message="")])
    assert outbox.put(application).state == "rejected"


def test_a_rejected_draft_put_again_corrected_is_pending(outbox: SyncOutbox) -> None:
    application = draft()
    outbox.put(application)
    outbox.mark_rejected(application.idempotency_key, [])
    corrected = application.copy(update={"conversation_id": "corrected"})
    assert outbox.put(corrected).state == "pending"
