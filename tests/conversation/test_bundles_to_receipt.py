"""Whole conversations over HTTP, from a need in free text to the receipt, for several bundles."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Chat
from tests.conversation.driver import drive_to_receipt

RECEIPT = re.compile(r"^YJS-\d{8}-[0-9A-Z]{6}$")

JOURNEYS = [
    ("newborn", "孩子刚出生，要办哪些手续"),
    ("restaurant_opening", "想在小区门口开个面馆"),
    ("retirement", "我下个月到退休年龄了，要办什么"),
    ("property_transfer", "买了套二手房，要过户"),
    ("business_opening", "想注册一个有限公司"),
    ("social_security_card", "社保卡丢了要补办"),
    ("marriage", "我们准备结婚，要办哪些事"),
    ("posthumous", "我父亲上周去世了，后面要办什么"),
]


@pytest.mark.servers
@pytest.mark.parametrize("bundle_id, opening", JOURNEYS, ids=[j[0] for j in JOURNEYS])
def test_an_anonymous_person_reaches_a_submitted_receipt(stack, catalogue, bundle_id: str, opening: str) -> None:
    chat = Chat(stack)
    application = drive_to_receipt(chat, catalogue, opening, bundle_id)
    assert (application["status"], application["bundle_id"], bool(RECEIPT.match(application["receipt_no"]))) == (
        "submitted", bundle_id, True)


@pytest.mark.servers
def test_the_journey_shows_summary_notice_and_form_before_the_receipt(stack, catalogue) -> None:
    chat = Chat(stack)
    drive_to_receipt(chat, catalogue, "孩子刚出生，要办哪些手续", "newborn")
    kinds = [m["custom"]["type"] for m in chat.history if m.get("custom")]
    order = [kinds.index(k) for k in ("bundle", "materials_notice", "form", "application")]
    assert order == sorted(order)


@pytest.mark.servers
def test_a_logged_in_person_with_e_licences_gets_exemptions_and_a_fuller_form(stack, catalogue) -> None:
    logged_in = Chat(stack, identity_token="demo-zhang-wei")
    anonymous = Chat(stack)
    for chat in (logged_in, anonymous):
        drive_to_receipt(chat, catalogue, "孩子刚出生，要办哪些手续", "newborn")
    notices = [c.custom("materials_notice", everything=True) for c in (logged_in, anonymous)]
    forms = [c.custom("form", everything=True) for c in (logged_in, anonymous)]
    exempt = [sum(1 for m in n["materials"] if m["status"] == "exempt") for n in notices]
    assert exempt[0] > 0 and exempt[1] == 0 and forms[0]["prefill_ratio"] > forms[1]["prefill_ratio"]


@pytest.mark.servers
def test_prefilled_personal_values_are_masked_in_the_form(stack, catalogue) -> None:
    chat = Chat(stack, identity_token="demo-zhang-wei")
    drive_to_receipt(chat, catalogue, "孩子刚出生，要办哪些手续", "newborn")
    form = chat.custom("form", everything=True)
    id_value = next(f["value"] for f in form["fields"] if f["field_id"] == "applicant_id_number")
    assert re.fullmatch(r"\d{6}\*{8}[\dX]{4}", id_value)
