"""What the summary and the one-time notice say about trips, places and per-person copies
(bot/dialogue/steps/form.py, bot/dialogue/messages.py), in text and in the message contract."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from bot.catalogue import Catalogue
from tests.conftest import CONTRACT
from tests.dialogue.talk import Talk

NEWBORN = {"born_in_city": True, "child_birth_date": "2026-11-10", "parents_married": True,
           "father_hukou": "local", "mother_hukou": "local", "settle_with": "father",
           "mother_employee_insured": False, "apply_social_security_card": True}
HOUSE_SALE = {"seller_mortgage": "none", "buyer_loan": "none", "buyer_marital": "single", "buyer_home_count": "first",
              "seller_held_years": "over_5", "seller_sole_home": True, "seller_marital": "single", "co_owned": False,
              "entrusted": False, "utilities": []}


def finish(talk: Talk, bundle_id: str, answers: Dict[str, Any]) -> None:
    """Answer each question the bot asks from `answers`, as button payloads, to the summary."""
    talk.send(f'/choose_bundle{{"bundle_id":"{bundle_id}"}}')
    for _ in range(len(answers) + 1):
        pending = talk.pending()
        if pending is None:
            break
        talk.send("/answer" + json.dumps({"question_id": pending, "value": answers[pending]}, ensure_ascii=False))
    assert talk.custom("bundle") is not None, talk.texts()


def text_of(talk: Talk, custom_type: str) -> str:
    return next(s.text for s in talk.last if (s.custom or {}).get("type") == custom_type)


def in_contract(talk: Talk) -> List[str]:
    turn = [{"recipient_id": talk.sender, "text": s.text, "buttons": s.buttons,
             **({"custom": s.custom} if s.custom else {})} for s in talk.last]
    return [e.message for e in CONTRACT.iter_errors(turn)]


def test_a_bundle_at_three_places_says_three_places_and_lists_them(talk: Talk, catalogue: Catalogue) -> None:
    finish(talk, "newborn", NEWBORN)
    summary = talk.custom("bundle")["summary"]
    expected = [catalogue.sites[s] for s in ("birth_hospital", "community_health_centre", "service_centre")]
    assert (summary["trips"], summary["trips_label"]) == (3, "需跑3个地方，每处最多一趟")
    assert [(s["name"], s["address"], s["hours"]) for s in summary["sites"]] == [
        (s.name, s.address, s.hours) for s in expected]
    assert summary["sites"][0]["item_names"] == ["出生医学证明首次签发"]
    text = text_of(talk, "bundle")
    assert "需跑3个地方" in text and "最多跑一趟" not in text
    assert f"要去的地方：{expected[0].name}（{expected[0].address}）" in text
    assert in_contract(talk) == []


def test_a_bundle_at_one_place_says_at_most_one_trip(talk: Talk) -> None:
    """Tax and registration are two departments at the one 不动产登记大厅."""
    finish(talk, "property_transfer", HOUSE_SALE)
    summary = talk.custom("bundle")["summary"]
    assert (summary["trips"], summary["trips_label"], [s["site_id"] for s in summary["sites"]]) == (
        1, "最多跑一趟", ["real_estate_hall"])
    assert talk.custom("materials_notice")["summary"]["sites"] == summary["sites"]


def test_copies_each_person_brings_are_counted_per_person(talk: Talk) -> None:
    finish(talk, "newborn", NEWBORN)
    card = next(m for m in talk.custom("materials_notice")["materials"] if m["material_id"] == "id_card")
    assert (card["holders"], card["name_label"], card["copies_label"]) == (
        ["父母双方"], "父母双方的居民身份证", "原件，各 1 份")
    assert "父母双方的居民身份证：原件，各 1 份" in text_of(talk, "materials_notice")
    assert "父母双方身份证" not in card["notes"]  # said once, by the count, not again as a note
    assert in_contract(talk) == []


def test_a_material_one_person_brings_keeps_its_plain_count(talk: Talk) -> None:
    finish(talk, "newborn", NEWBORN)
    register = next(m for m in talk.custom("materials_notice")["materials"] if m["material_id"] == "household_register")
    assert (register["holders"], register["name_label"], register["copies_label"]) == (
        [], register["name"], "原件 1 份")
