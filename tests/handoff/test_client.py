"""HandoffClient.submit against a real intake server: submitted, queued, rejected."""

from __future__ import annotations

import json
import sqlite3
import time

from tests.handoff.harness import FAST, Harness, draft
from tests.intake.server import IntakeServer


def test_a_submitted_application_gets_the_real_receipt_number(bot: Harness) -> None:
    receipt = bot.submit(draft())
    assert (receipt.status, receipt.receipt_no[:4]) == ("submitted", "YJS-")


def test_a_submitted_receipt_carries_the_next_steps(bot: Harness) -> None:
    receipt = bot.submit(draft())
    assert "track_status" in [step.id for step in receipt.next_steps]


def test_the_application_is_in_the_outbox_as_delivered(bot: Harness) -> None:
    application = draft()
    bot.submit(application)
    assert bot.outbox.get(application.idempotency_key).state == "delivered"  # type: ignore


def test_submitting_the_same_draft_twice_files_one_application(
    bot: Harness, intake: IntakeServer
) -> None:
    application = draft()
    before = intake.count_applications()
    bot.submit(application)
    bot.submit(application)
    assert intake.count_applications() == before + 1


def test_a_draft_kept_as_a_slot_value_keeps_its_key(bot: Harness) -> None:
    application = draft()
    first = bot.submit(application)
    again = bot.submit(type(application).parse_obj(application.dict()))
    assert again.application_id == first.application_id


def test_a_request_that_landed_but_whose_answer_was_lost_is_not_filed_twice(
    bot: Harness, intake: IntakeServer
) -> None:
    application = draft()
    _, landed = intake.request("POST", "/applications", json.loads(application.json()))
    assert bot.submit(application).application_id == landed["application_id"]


def test_a_422_gives_a_rejected_receipt_saying_what_to_fix(bot: Harness) -> None:
    receipt = bot.submit(draft(applicant__id_number="370102198805120018"))
    assert (receipt.status, [e.field for e in receipt.errors]) == (
        "rejected", ["applicant.id_number"]
    )


def test_a_rejected_application_is_sent_only_once(bot: Harness, intake: IntakeServer) -> None:
    rejected = draft(applicant__phone="12345")
    bot.submit(rejected)
    sentinel = draft(applicant__phone="12345")
    bot.submit(sentinel)  # logged after every request of the first one
    assert intake.log_lines_with(rejected.idempotency_key, sentinel.idempotency_key) == 1


def test_a_rejected_application_is_not_left_for_the_worker(bot: Harness) -> None:
    bot.submit(draft(applicant__phone="12345"))
    assert bot.outbox.count("pending") == 0


def test_a_corrected_application_with_the_same_key_is_submitted(bot: Harness) -> None:
    wrong = draft(applicant__phone="12345")
    bot.submit(wrong)
    fixed = wrong.copy(update={"applicant": wrong.applicant.copy(update={"phone": "13800000001"})})
    assert bot.submit(fixed).status == "submitted"


def test_with_the_api_down_the_citizen_gets_a_queued_receipt(bot_api_down: Harness) -> None:
    receipt = bot_api_down.submit(draft())
    assert (receipt.status, receipt.receipt_no[:3]) == ("queued", "LS-")


def test_with_the_api_down_the_application_waits_in_the_outbox(bot_api_down: Harness) -> None:
    bot_api_down.submit(draft())
    assert bot_api_down.outbox.count("pending") == 1


def test_with_the_api_down_submit_gives_up_after_its_attempts(bot_api_down: Harness) -> None:
    application = draft()
    bot_api_down.submit(application)
    assert bot_api_down.outbox.get(application.idempotency_key).attempts == FAST.attempts  # type: ignore


def test_a_queued_draft_submitted_again_keeps_its_provisional_reference(
    bot_api_down: Harness,
) -> None:
    application = draft()
    first = bot_api_down.submit(application)
    assert bot_api_down.submit(application).receipt_no == first.receipt_no


def test_a_wrong_token_keeps_the_application_in_the_outbox(
    bot: Harness, intake: IntakeServer
) -> None:
    wrong = bot.pointed_at(intake.url, token="wrong-token")
    receipt = wrong.submit(draft())
    assert (receipt.status, wrong.outbox.count("pending")) == ("queued", 1)


def test_a_locked_database_leaves_the_application_in_the_outbox(
    bot: Harness, intake: IntakeServer
) -> None:
    with sqlite3.connect(intake.db_path, isolation_level=None) as lock:
        lock.execute("BEGIN EXCLUSIVE")
        receipt = bot.submit(draft())
        lock.execute("ROLLBACK")
    assert (receipt.status, bot.outbox.count("pending")) == ("queued", 1)


def test_once_the_database_is_free_the_queued_application_is_delivered(
    bot: Harness, intake: IntakeServer
) -> None:
    with sqlite3.connect(intake.db_path, isolation_level=None) as lock:
        lock.execute("BEGIN EXCLUSIVE")
        bot.submit(draft())
        lock.execute("ROLLBACK")
    time.sleep(FAST.max_delay_s)  # the longest a queued item waits before it is due again
    assert bot.deliver_due() == 1


def test_the_same_applicant_s_earlier_application_of_the_bundle_is_found(bot: Harness) -> None:
    application = draft()
    receipt = bot.submit(application)
    found = bot.run(lambda client: client.earlier(application.bundle_id, application.applicant.id_number))
    assert found.receipt_no == receipt.receipt_no  # type: ignore[union-attr]


def test_another_applicant_has_no_earlier_application(bot: Harness) -> None:
    application = draft()
    bot.submit(application)
    assert bot.run(lambda client: client.earlier(application.bundle_id, "11010519491231002X")) is None
