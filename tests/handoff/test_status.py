"""HandoffClient.status: "我的申请到哪一步了" from GET /applications/{id}."""

from __future__ import annotations

import time

from tests.handoff.harness import FAST, Harness, draft
from tests.intake.server import IntakeServer


def test_a_new_application_is_submitted(bot: Harness) -> None:
    receipt = bot.submit(draft())
    assert bot.status(receipt.receipt_no).status == "submitted"


def test_a_department_s_progress_shows_in_the_status(bot: Harness, intake: IntakeServer) -> None:
    receipt = bot.submit(draft())
    intake.request("POST", f"/applications/{receipt.application_id}/status",
                   {"status": "accepted", "note": "预审通过"})
    assert bot.status(receipt.receipt_no).status == "accepted"


def test_the_history_is_reported_in_order(bot: Harness, intake: IntakeServer) -> None:
    receipt = bot.submit(draft())
    intake.request("POST", f"/applications/{receipt.application_id}/status",
                   {"status": "supplement_required", "note": "请补交预防接种证"})
    report = bot.status(receipt.receipt_no)
    assert [entry.status for entry in report.history] == ["submitted", "supplement_required"]


def test_a_receipt_number_typed_in_lower_case_is_found(bot: Harness) -> None:
    receipt = bot.submit(draft())
    assert bot.status(f" {receipt.receipt_no.lower()} ").receipt_no == receipt.receipt_no


def test_a_receipt_made_elsewhere_is_found_through_the_api(
    bot: Harness, intake: IntakeServer
) -> None:
    receipt = bot.submit(draft())
    other_bot = Harness(intake.url, bot.outbox_path.with_name("other-bot.db"))
    assert other_bot.status(receipt.receipt_no).application_id == receipt.application_id


def test_an_application_id_is_also_a_reference(bot: Harness) -> None:
    receipt = bot.submit(draft())
    assert bot.status(receipt.application_id or "").receipt_no == receipt.receipt_no


def test_a_queued_application_says_queued(bot_api_down: Harness) -> None:
    receipt = bot_api_down.submit(draft())
    assert bot_api_down.status(receipt.receipt_no).status == "queued"


def test_a_provisional_reference_leads_to_the_real_receipt_once_delivered(
    bot_api_down: Harness, intake: IntakeServer
) -> None:
    queued = bot_api_down.submit(draft())
    back_up = bot_api_down.pointed_at(intake.url)
    time.sleep(FAST.max_delay_s)
    back_up.deliver_due()
    assert back_up.status(queued.receipt_no).receipt_no.startswith("YJS-")  # type: ignore


def test_a_rejected_application_reports_its_errors(bot: Harness) -> None:
    receipt = bot.submit(draft(consent__given=False))
    assert [e.code for e in bot.status(receipt.receipt_no).errors] == ["consent_required"]


def test_an_unknown_reference_is_not_found(bot: Harness) -> None:
    assert bot.status("YJS-20240101-ZZZZZZ").status == "not_found"


def test_with_the_api_down_the_status_is_unavailable(bot_api_down: Harness) -> None:
    assert bot_api_down.status("YJS-20240101-ZZZZZZ").status == "unavailable"
