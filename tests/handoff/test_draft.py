"""ApplicationDraft: one idempotency key per application, and the applicant from an identity."""

from __future__ import annotations

from bot.handoff.draft import ApplicationDraft, applicant_from_identity
from bot.identity.demo import DemoIdentityProvider
from bot.intake.contract import Item

DEMO = DemoIdentityProvider.from_file()


def build() -> ApplicationDraft:
    return ApplicationDraft.build(
        bundle_id="newborn",
        catalogue_version="2024.11",
        items=[Item(item_id="birth_registration", name="出生登记", department="public_security")],
        applicant=applicant_from_identity(DEMO.get("demo-zhang-wei")),  # type: ignore[arg-type]
        channel="web",
        conversation_id="c-1",
        consent_given=True,
        consent_text_version="2024-01",
    )


def test_each_new_draft_gets_its_own_key() -> None:
    assert build().idempotency_key != build().idempotency_key


def test_a_draft_read_back_from_a_slot_keeps_its_key() -> None:
    application = build()
    assert ApplicationDraft.parse_obj(application.dict()).idempotency_key == (
        application.idempotency_key
    )


def test_a_built_draft_records_when_consent_was_given() -> None:
    assert build().consent.at.tzinfo is not None


def test_a_person_applies_with_their_own_id_number() -> None:
    assert build().applicant.id_number == "370102198805120017"


def test_an_enterprise_applies_with_its_credit_code() -> None:
    applicant = applicant_from_identity(DEMO.get("demo-tongda-transport"))  # type: ignore[arg-type]
    assert (applicant.kind, applicant.credit_code) == ("enterprise", "91370112MA0000002F")


def test_a_person_applicant_carries_no_credit_code() -> None:
    assert build().applicant.credit_code is None
