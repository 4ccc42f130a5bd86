"""Stage consent (waiting for the consent to submit): one test per branch."""

from __future__ import annotations

from typing import Any

import pytest

from bot.db import DatabaseUnavailable
from bot.dialogue.stage import Stage
from bot.handoff.receipt import Receipt
from bot.intake.contract import FieldError
from tests.dialogue.talk import Talk


@pytest.fixture
def consenting(talk: Talk) -> Talk:
    return talk.at(Stage.CONSENT)


def test_yes_submits_once_and_gives_the_receipt(consenting: Talk) -> None:
    consenting.send("同意", "affirm")
    receipt = consenting.custom("application")["receipt_no"]
    assert (len(consenting.handoff.drafts), receipt) == (1, "YJS-20261204-000001")


def test_yes_then_asks_for_a_rating(consenting: Talk) -> None:
    consenting.send("同意", "affirm")
    assert consenting.stage is Stage.RATING


def test_no_keeps_the_form_and_offers_to_submit_later(consenting: Talk) -> None:
    consenting.send("先不提交", "deny")
    assert (consenting.said("not_submitted"), consenting.handoff.drafts) == (True, [])


def test_unclear_text_asks_for_consent_again(consenting: Talk) -> None:
    consenting.send("那个，这个要多久", "nlu_fallback")
    assert (consenting.said("consent"), consenting.stage) == (True, Stage.CONSENT)


def test_a_typed_correction_changes_the_form(consenting: Talk) -> None:
    consenting.send("电话改成13912345678", "correct_field")
    assert consenting.stored().state.form.get("applicant_phone") == "13912345678"


def test_when_not_even_the_outbox_can_keep_it_the_person_is_told(consenting: Talk) -> None:
    async def broken(draft: Any) -> Receipt:
        raise DatabaseUnavailable("disk full")

    consenting.handoff.submit = broken  # type: ignore[method-assign]
    consenting.send("同意", "affirm")
    assert (consenting.said("submit_unavailable"), consenting.stage) == (True, Stage.CONSENT)


def test_a_rejected_value_is_asked_for_again(consenting: Talk) -> None:
    async def rejecting(draft: Any) -> Receipt:
        return Receipt(status="rejected", receipt_no="LS-20261204-AAAAAA", bundle_id=draft.bundle_id,
                       errors=[FieldError(field="applicant.phone", code="mobile_format", message="")])

    consenting.handoff.submit = rejecting  # type: ignore[method-assign]
    consenting.send("同意", "affirm")
    assert (consenting.said("rejected"), consenting.stored().state.pending_field) == (True, "applicant_phone")


def test_going_back_after_submission_offers_a_new_application_instead(consenting: Talk) -> None:
    consenting.send("同意", "affirm")
    consenting.send("上一步", "go_back")
    assert (consenting.said("already_submitted"), consenting.stage) == (True, Stage.RATING)


def test_changing_an_answer_after_submission_offers_a_new_application_instead(consenting: Talk) -> None:
    consenting.send("同意", "affirm")
    consenting.send('/rate{"rating":5}')
    consenting.send("我想改一下前面的回答", "change_answer")
    assert consenting.said("already_submitted")


def test_a_new_application_starts_only_when_asked_for(consenting: Talk) -> None:
    consenting.send("同意", "affirm")
    consenting.send("上一步", "go_back")
    consenting.press("重新办一份")
    assert consenting.pending() == "born_in_city"


def test_the_same_person_filing_the_same_bundle_again_today_is_warned(signed_in) -> None:
    talk = signed_in("demo-zhang-wei")
    first = talk.at(Stage.RATING)
    first.sender = "second-conversation"
    first.at(Stage.CONSENT)
    assert first.said("duplicate_application")
