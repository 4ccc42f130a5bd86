"""POST/GET /applications and the status endpoint, against a real server and database."""

from __future__ import annotations

import re

from tests.intake.payloads import newborn_application, restaurant_application
from tests.intake.server import IntakeServer


def submit(intake: IntakeServer, body: dict) -> dict:
    status, answer = intake.request("POST", "/applications", body)
    assert status == 201, answer
    return answer


def test_a_valid_application_is_created(intake: IntakeServer) -> None:
    status, _ = intake.request("POST", "/applications", newborn_application())
    assert status == 201


def test_the_receipt_number_is_dated_and_readable(intake: IntakeServer) -> None:
    answer = submit(intake, newborn_application())
    assert re.fullmatch(r"YJS-\d{8}-[2-9A-HJ-NP-Z]{6}", answer["receipt_no"])


def test_an_enterprise_application_with_a_credit_code_is_created(intake: IntakeServer) -> None:
    status, _ = intake.request("POST", "/applications", restaurant_application())
    assert status == 201


def test_deferrable_materials_come_back_as_a_next_step(intake: IntakeServer) -> None:
    answer = submit(intake, newborn_application())
    steps = {step["id"]: step for step in answer["next_steps"]}
    assert steps["hand_in_deferred_materials"]["materials"] == ["vaccination_record"]


def test_the_same_key_again_answers_200_with_the_same_application(intake: IntakeServer) -> None:
    body = newborn_application()
    first = submit(intake, body)
    status, again = intake.request("POST", "/applications", body)
    assert (status, again["application_id"]) == (200, first["application_id"])


def test_the_same_key_again_stores_no_second_row(intake: IntakeServer) -> None:
    body = newborn_application()
    submit(intake, body)
    before = intake.count_applications()
    intake.request("POST", "/applications", body)
    assert intake.count_applications() == before


def test_the_same_key_with_another_body_is_a_conflict(intake: IntakeServer) -> None:
    body = newborn_application()
    submit(intake, body)
    status, answer = intake.request("POST", "/applications", {**body, "conversation_id": "x"})
    assert (status, answer["error"]) == (409, "idempotency_key_reused")


def test_a_wrong_token_is_401_json(intake: IntakeServer) -> None:
    status, answer = intake.request("POST", "/applications", newborn_application(), token="nope")
    assert (status, answer["error"]) == (401, "unauthorized")


def test_no_token_is_401(intake: IntakeServer) -> None:
    status, _ = intake.request("GET", "/applications?receipt_no=X", token=None)
    assert status == 401


def test_malformed_json_is_400(intake: IntakeServer) -> None:
    status, answer = intake.request("POST", "/applications", raw=b'{"bundle_id": ')
    assert (status, answer["error"]) == (400, "malformed_json")


def test_a_json_array_is_422_on_the_body(intake: IntakeServer) -> None:
    status, answer = intake.request("POST", "/applications", [1, 2])
    assert (status, answer["errors"][0]["field"]) == (422, "body")


def test_an_unknown_bundle_is_422_on_bundle_id(intake: IntakeServer) -> None:
    status, answer = intake.request("POST", "/applications", newborn_application(bundle_id="x"))
    assert (status, [e["code"] for e in answer["errors"]]) == (422, ["unknown_bundle"])


def test_missing_consent_is_422_on_consent_given(intake: IntakeServer) -> None:
    body = newborn_application(consent__given=False)
    status, answer = intake.request("POST", "/applications", body)
    assert (status, answer["errors"][0]["field"]) == (422, "consent.given")


def test_a_bad_id_number_is_422_with_a_message_saying_what_to_fix(intake: IntakeServer) -> None:
    body = newborn_application(applicant__id_number="370102198805120018")
    _, answer = intake.request("POST", "/applications", body)
    assert answer["errors"] == [{
        "field": "applicant.id_number",
        "code": "id_number_checksum",
        "message": "身份证号码的最后一位校验码不对，可能有数字输错了，请逐位核对。",
    }]


def test_a_rejected_application_stores_nothing(intake: IntakeServer) -> None:
    before = intake.count_applications()
    intake.request("POST", "/applications", newborn_application(applicant__phone="12345"))
    assert intake.count_applications() == before


def test_an_application_is_found_by_id_with_its_first_history_entry(
    intake: IntakeServer,
) -> None:
    created = submit(intake, newborn_application())
    _, view = intake.request("GET", f"/applications/{created['application_id']}")
    assert [entry["status"] for entry in view["history"]] == ["submitted"]


def test_an_application_is_found_by_receipt_number(intake: IntakeServer) -> None:
    created = submit(intake, newborn_application())
    _, view = intake.request("GET", f"/applications?receipt_no={created['receipt_no'].lower()}")
    assert view["application_id"] == created["application_id"]


def test_a_lookup_without_receipt_number_is_400(intake: IntakeServer) -> None:
    status, _ = intake.request("GET", "/applications")
    assert status == 400


def test_an_unknown_application_is_404_json(intake: IntakeServer) -> None:
    status, answer = intake.request("GET", "/applications/" + "0" * 32)
    assert (status, answer["error"]) == (404, "not_found")


def test_a_status_change_is_added_to_the_history(intake: IntakeServer) -> None:
    created = submit(intake, newborn_application())
    path = f"/applications/{created['application_id']}/status"
    intake.request("POST", path, {"status": "accepted", "note": "预审通过"})
    _, view = intake.request("POST", path, {"status": "in_progress"})
    assert [e["status"] for e in view["history"]] == ["submitted", "accepted", "in_progress"]


def test_a_completed_application_no_longer_changes(intake: IntakeServer) -> None:
    created = submit(intake, newborn_application())
    path = f"/applications/{created['application_id']}/status"
    intake.request("POST", path, {"status": "completed"})
    status, answer = intake.request("POST", path, {"status": "accepted"})
    assert (status, answer["error"]) == (409, "final_status")


def test_an_unknown_status_is_422(intake: IntakeServer) -> None:
    created = submit(intake, newborn_application())
    path = f"/applications/{created['application_id']}/status"
    status, _ = intake.request("POST", path, {"status": "lost"})
    assert status == 422


def test_a_status_change_for_an_unknown_application_is_404(intake: IntakeServer) -> None:
    status, _ = intake.request("POST", f"/applications/{'f' * 32}/status", {"status": "accepted"})
    assert status == 404


def test_an_unknown_route_is_404_json(intake: IntakeServer) -> None:
    status, answer = intake.request("GET", "/nowhere")
    assert (status, answer["error"]) == (404, "http_error")
