"""Which next steps follow a submitted application."""

from __future__ import annotations

from typing import List

from bot.intake.contract import ApplicationBody
from bot.intake.next_steps import next_steps_for
from tests.intake.payloads import newborn_application


def step_ids(body: dict) -> List[str]:
    return [step.id for step in next_steps_for(ApplicationBody.parse_obj(body), "YJS-1")]


def test_without_deferrable_materials_there_is_nothing_to_hand_in_later() -> None:
    assert "hand_in_deferred_materials" not in step_ids(newborn_application(materials=[]))


def test_a_commitment_material_asks_for_the_commitment_to_be_signed() -> None:
    body = newborn_application(materials=[{"material_id": "m", "status": "commitment"}])
    assert "sign_commitment" in step_ids(body)


def test_the_steps_keep_the_order_of_the_file() -> None:
    assert step_ids(newborn_application(materials=[])) == [
        "pre_review", "track_status", "rate_service"
    ]


def test_the_receipt_number_is_written_into_the_tracking_step() -> None:
    steps = next_steps_for(ApplicationBody.parse_obj(newborn_application()), "YJS-20241121-AAAAAA")
    tracking = next(step for step in steps if step.id == "track_status")
    assert "YJS-20241121-AAAAAA" in tracking.text
