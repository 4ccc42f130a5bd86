"""The service's log never shows an applicant's ID number or phone."""

from __future__ import annotations

from tests.intake.payloads import newborn_application
from tests.intake.server import IntakeServer


def test_the_log_shows_neither_id_number_nor_phone(intake: IntakeServer) -> None:
    intake.request("POST", "/applications", newborn_application())
    sentinel = newborn_application(applicant__phone="1")  # rejected, and logged with its key
    intake.request("POST", "/applications", sentinel)
    leaks = intake.log_lines_with("370102198805120017", sentinel["idempotency_key"])
    leaks += intake.log_lines_with("13800000001", sentinel["idempotency_key"])
    assert leaks == 0
