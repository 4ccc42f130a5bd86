"""Strict application checks and their wording, without a server."""

from __future__ import annotations

from typing import List

import pytest
import yaml

from bot.intake.validation import FIELD_ERRORS, check_application
from tests.intake.payloads import newborn_application, restaurant_application

BUNDLES = {"newborn", "restaurant_opening"}


def codes(body: object) -> List[str]:
    return [error.code for error in check_application(body, BUNDLES)[1]]


def fields(body: object) -> List[str]:
    return [error.field for error in check_application(body, BUNDLES)[1]]


def test_a_valid_person_application_passes() -> None:
    assert codes(newborn_application()) == []


def test_a_valid_enterprise_application_passes() -> None:
    assert codes(restaurant_application()) == []


def test_the_id_number_is_normalised_to_upper_case() -> None:
    body = newborn_application(applicant__id_number="37010519850909006x")
    application, _ = check_application(body, BUNDLES)
    assert application is not None and application.applicant.id_number == "37010519850909006X"


def test_a_phone_with_country_code_is_normalised() -> None:
    body = newborn_application(applicant__phone="+86 138-0000-0001")
    application, _ = check_application(body, BUNDLES)
    assert application is not None and application.applicant.phone == "13800000001"


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        ("37010219880512001", "id_number_format"),
        ("370102198802300017", "id_number_birth_date"),
        ("370102198805120018", "id_number_checksum"),
    ],
)
def test_each_id_number_problem_has_its_own_code(id_number: str, code: str) -> None:
    assert codes(newborn_application(applicant__id_number=id_number)) == [code]


def test_an_enterprise_without_credit_code_is_told_to_give_one() -> None:
    body = restaurant_application(applicant__credit_code=None)
    assert fields(body) == ["applicant.credit_code"]


def test_an_enterprise_credit_code_with_a_wrong_check_character_is_refused() -> None:
    body = restaurant_application(applicant__credit_code="91370102MA0000001X")
    assert codes(body) == ["credit_code_checksum"]


def test_no_items_is_refused() -> None:
    assert codes(newborn_application(items=[])) == ["items_empty"]


def test_a_missing_item_name_is_reported_with_its_list_index() -> None:
    body = newborn_application()
    del body["items"][1]["name"]
    assert fields(body) == ["items[1].name"]


def test_an_unknown_material_status_is_refused() -> None:
    body = newborn_application()
    body["materials"][0]["status"] = "lost"
    assert fields(body) == ["materials[0].status"]


def test_an_unexpected_field_is_refused() -> None:
    assert codes(newborn_application(priority="high")) == ["extra"]


def test_every_problem_is_reported_at_once() -> None:
    body = newborn_application(
        bundle_id="unknown", applicant__phone="110", consent__given=False
    )
    assert fields(body) == ["bundle_id", "applicant.phone", "consent.given"]


def test_the_message_names_the_field_in_chinese() -> None:
    _, errors = check_application(newborn_application(applicant__phone="110"), BUNDLES)
    assert errors[0].message.startswith("手机号码")


def test_every_code_the_checks_raise_has_its_own_wording() -> None:
    raised = {
        "id_number_format", "id_number_birth_date", "id_number_checksum", "mobile_format",
        "credit_code_required", "credit_code_format", "credit_code_checksum",
        "consent_required", "items_empty", "unknown_bundle", "not_an_object",
    }
    worded = set(yaml.safe_load(FIELD_ERRORS.read_text(encoding="utf-8"))["codes"])
    assert raised - worded == set()
