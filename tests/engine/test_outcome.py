"""bot/engine/outcome.py and explain.py: merged materials, statuses, summary, the prefilled form,
and the trace. Merging rules run on a small bundle made for them (`merge_lab`, checked like any
bundle file); everything a person sees runs on the real newborn bundle."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, Dict

import pytest
import yaml

from bot.catalogue import Catalogue
from bot.catalogue.model import Bundle
from bot.catalogue.references import check_bundle
from bot.engine import Engine, Facts, Outcome, anonymous
from bot.engine.facts import facts_from_profile

TODAY = date(2026, 11, 21)
ANONYMOUS = anonymous(TODAY)

MERGE_LAB = """
id: merge_lab
name: 合并规则实验
audience: individual
category: birth_and_education
version: test
effective_from: 2024-01-01
lead_department: civil_affairs
description: 测试用：三个事项共用材料，用来检查合并、状态和时限规则。
references: [{title: 测试夹具, note: 仅用于单元测试}]
routing: {keywords: [合并实验], examples: [合并实验一, 合并实验二, 合并实验三]}
questions:
  - {id: second, text: 要办第二项吗？, kind: yesno, why: 决定第二项是否办理。}
  - {id: third, text: 要办第三项吗？, kind: yesno, why: 决定第三项是否办理。}
items:
  - id: first
    code: LAB-1
    name: 第一项
    department: civil_affairs
    handling_mode: online
    trips: 0
    time_limit: {promised_days: 3}
    materials:
      - {ref: id_card, copies: 1, original: false}
      - {ref: household_register, deferrable: true}
      - {ref: marriage_certificate, commitment: true}
      - {ref: bank_card, deferrable: true, commitment: true}
      - {ref: discharge_summary, deferrable: true}
    fields:
      - {ref: applicant_name}
      - {ref: applicant_id_number}
  - id: second
    code: LAB-2
    name: 第二项
    department: public_security
    handling_mode: online_precheck
    trips: 1
    time_limit: {promised_days: 5}
    when: {answer: second, is: true}
    materials:
      - {ref: id_card, copies: 3}
      - {ref: household_register}
      - {ref: marriage_certificate}
      - {ref: bank_card, deferrable: true}
      - {ref: discharge_summary, deferrable: true}
      - {ref: id_photo, produced_by: first}
      - {ref: birth_medical_certificate, produced_by: first}
    fields:
      - {ref: applicant_name}
      - {ref: spouse_name, required: false}
  - id: third
    code: LAB-3
    name: 第三项
    department: health_commission
    handling_mode: window
    trips: 1
    time_limit: {promised_days: 2}
    when: {answer: third, is: true}
    materials:
      - {ref: id_photo}
      - {ref: birth_medical_certificate, produced_by: first}
"""

FIRST_ONLY = {"second": False, "third": False}
FIRST_AND_SECOND = {"second": True, "third": False}
ALL_THREE = {"second": True, "third": True}

NEWBORN = {
    "born_in_city": True, "child_birth_date": date(2026, 11, 10), "parents_married": True,
    "father_hukou": "local", "mother_hukou": "local", "settle_with": "father",
    "mother_employee_insured": True, "apply_social_security_card": True,
}

ID_NUMBER = "370102199001011234"
SPOUSE_ID_NUMBER = "370102199202022345"
PHONE = "13800138000"
PROFILE = {"name": "王强", "id_number": ID_NUMBER, "phone": PHONE, "gender": "male",
           "birth_date": "1990-01-01", "address": "济南市历下区泉城路1号", "hukou_city": "济南"}
LICENCES = {
    "household_register": {"household_address": "济南市历下区泉城路1号", "hukou_city": "济南市"},
    "marriage_certificate": {"spouse_name": "李梅", "spouse_id_number": SPOUSE_ID_NUMBER},
}


@pytest.fixture(scope="module")
def lab_catalogue(catalogue: Catalogue) -> Catalogue:
    bundle = Bundle.parse_obj(yaml.safe_load(MERGE_LAB))
    problems = check_bundle(catalogue, bundle, "merge_lab.yml", "merge_lab")
    assert problems == [], "the merge_lab fixture must be a valid bundle"
    return dataclasses.replace(catalogue, bundles={**catalogue.bundles, "merge_lab": bundle})


@pytest.fixture(scope="module")
def lab(lab_catalogue: Catalogue) -> Engine:
    return Engine(lab_catalogue)


def holding(*licences: str) -> Facts:
    return Facts(values={"logged_in": True, "e_licences": sorted(licences)},
                 licences={lic: {} for lic in licences}, today=TODAY)


def lab_outcome(lab: Engine, answers: Dict[str, Any], facts: Facts = ANONYMOUS) -> Outcome:
    return lab.outcome("merge_lab", answers, facts)


def material(outcome: Outcome, material_id: str):
    return next(m for m in outcome.materials if m.material_id == material_id)


def status(outcome: Outcome, material_id: str) -> str:
    return material(outcome, material_id).status


@pytest.fixture(scope="module")
def signed_in(catalogue: Catalogue) -> Facts:
    return facts_from_profile(PROFILE, LICENCES, catalogue.city, TODAY)


@pytest.fixture(scope="module")
def newborn_anonymous(engine: Engine) -> Outcome:
    return engine.outcome("newborn", NEWBORN, ANONYMOUS)


@pytest.fixture(scope="module")
def newborn_signed_in(engine: Engine, signed_in: Facts) -> Outcome:
    return engine.outcome("newborn", NEWBORN, signed_in)


def field(outcome: Outcome, field_id: str):
    return next(f for f in outcome.fields if f.field_id == field_id)


# -- merging --------------------------------------------------------------------------------

def test_each_material_appears_once(newborn_anonymous: Outcome) -> None:
    ids = [m.material_id for m in newborn_anonymous.materials]
    assert len(ids) == len(set(ids))


def test_a_shared_material_lists_every_item_that_uses_it(newborn_anonymous: Outcome) -> None:
    assert material(newborn_anonymous, "id_card").used_by == [
        "birth_medical_certificate", "vaccination_certificate", "birth_registration",
        "maternity_reimbursement", "maternity_allowance",
    ]


def test_used_by_leaves_out_items_that_do_not_apply(engine: Engine) -> None:
    outcome = engine.outcome("newborn", {**NEWBORN, "mother_employee_insured": False}, ANONYMOUS)
    assert "maternity_reimbursement" not in material(outcome, "id_card").used_by


def test_a_material_of_no_applicable_item_is_absent(lab: Engine) -> None:
    assert "id_photo" not in {m.material_id for m in lab_outcome(lab, FIRST_ONLY).materials}


def test_copies_is_the_largest_number_asked(lab: Engine) -> None:
    assert material(lab_outcome(lab, FIRST_AND_SECOND), "id_card").copies == 3


def test_copies_of_a_single_use_is_what_that_use_asks(lab: Engine) -> None:
    assert material(lab_outcome(lab, FIRST_ONLY), "id_card").copies == 1


def test_an_original_asked_by_one_item_wins_over_a_copy(lab: Engine) -> None:
    assert material(lab_outcome(lab, FIRST_AND_SECOND), "id_card").original is True


def test_a_copy_is_enough_when_every_use_accepts_a_copy(lab: Engine) -> None:
    assert material(lab_outcome(lab, FIRST_ONLY), "id_card").original is False


# -- statuses -------------------------------------------------------------------------------

def test_a_material_is_deferrable_when_its_only_use_allows_it(lab: Engine) -> None:
    assert status(lab_outcome(lab, FIRST_ONLY), "household_register") == "deferrable"


def test_a_material_is_required_when_one_use_does_not_allow_deferring(lab: Engine) -> None:
    assert status(lab_outcome(lab, FIRST_AND_SECOND), "household_register") == "required"


def test_a_material_deferrable_in_every_use_stays_deferrable(lab: Engine) -> None:
    assert status(lab_outcome(lab, FIRST_AND_SECOND), "discharge_summary") == "deferrable"


def test_a_material_allows_commitment_when_its_only_use_allows_it(lab: Engine) -> None:
    assert status(lab_outcome(lab, FIRST_ONLY), "marriage_certificate") == "commitment"


def test_a_material_is_required_when_one_use_does_not_allow_commitment(lab: Engine) -> None:
    assert status(lab_outcome(lab, FIRST_AND_SECOND), "marriage_certificate") == "required"


def test_commitment_is_offered_over_deferring_when_both_are_allowed(lab: Engine) -> None:
    assert status(lab_outcome(lab, FIRST_ONLY), "bank_card") == "commitment"


def test_deferring_remains_when_only_some_uses_allow_commitment(lab: Engine) -> None:
    assert status(lab_outcome(lab, FIRST_AND_SECOND), "bank_card") == "deferrable"


def test_a_material_every_use_gets_from_an_earlier_item_is_produced(lab: Engine) -> None:
    assert status(lab_outcome(lab, FIRST_AND_SECOND), "id_photo") == "produced"


def test_a_produced_material_names_the_item_that_produces_it(lab: Engine) -> None:
    assert material(lab_outcome(lab, FIRST_AND_SECOND), "id_photo").produced_by == "first"


def test_a_material_one_item_needs_from_the_applicant_is_not_produced(lab: Engine) -> None:
    line = material(lab_outcome(lab, ALL_THREE), "id_photo")
    assert (line.status, line.produced_by) == ("required", None)


def test_a_material_whose_producing_item_does_not_apply_is_required(engine: Engine) -> None:
    outcome = engine.outcome("newborn", {**NEWBORN, "born_in_city": False}, ANONYMOUS)
    assert status(outcome, "birth_medical_certificate") == "required"


def test_the_applicant_s_household_register_is_required_though_later_items_produce_a_new_page(
    newborn_anonymous: Outcome,
) -> None:
    assert status(newborn_anonymous, "household_register") == "required"


def test_a_material_is_exempt_when_the_covering_e_licence_is_held(lab: Engine) -> None:
    outcome = lab_outcome(lab, FIRST_AND_SECOND, holding("marriage_certificate"))
    assert status(outcome, "marriage_certificate") == "exempt"


def test_an_exempt_material_names_the_covering_e_licence(lab: Engine, catalogue: Catalogue) -> None:
    line = material(lab_outcome(lab, FIRST_AND_SECOND, holding("marriage_certificate")),
                    "marriage_certificate")
    expected = ("marriage_certificate", catalogue.e_licences["marriage_certificate"].name)
    assert (line.covered_by, line.covered_by_name) == expected


def test_an_e_licence_exempts_even_a_material_that_allows_commitment(lab: Engine) -> None:
    outcome = lab_outcome(lab, FIRST_ONLY, holding("marriage_certificate"))
    assert status(outcome, "marriage_certificate") == "exempt"


def test_a_material_produced_inside_the_bundle_stays_produced_when_its_e_licence_is_held(
    lab: Engine,
) -> None:
    outcome = lab_outcome(lab, FIRST_AND_SECOND, holding("birth_medical_certificate"))
    assert status(outcome, "birth_medical_certificate") == "produced"


def test_without_the_e_licence_a_material_names_no_covering_licence(lab: Engine) -> None:
    line = material(lab_outcome(lab, FIRST_AND_SECOND), "marriage_certificate")
    assert (line.covered_by, line.covered_by_name) == (None, None)


# -- summary --------------------------------------------------------------------------------

def test_before_counts_every_material_of_every_applicable_item(lab: Engine) -> None:
    assert lab_outcome(lab, FIRST_AND_SECOND).summary.before == 5 + 7


def test_after_counts_the_distinct_materials_still_to_bring(lab: Engine) -> None:
    outcome = lab_outcome(lab, FIRST_AND_SECOND, holding("marriage_certificate"))
    brought = [m for m in outcome.materials if m.status in ("required", "deferrable", "commitment")]
    assert outcome.summary.after == len(brought) == 4  # id_card, register, bank card, discharge


def test_summary_counts_the_exempt_materials(lab: Engine) -> None:
    outcome = lab_outcome(lab, FIRST_AND_SECOND, holding("marriage_certificate", "id_card"))
    assert outcome.summary.exempt == 2


def test_summary_counts_the_produced_materials(lab: Engine) -> None:
    assert lab_outcome(lab, FIRST_AND_SECOND).summary.produced == 2


def test_trips_are_none_when_every_item_is_fully_online(lab: Engine) -> None:
    assert lab_outcome(lab, FIRST_ONLY).summary.trips == 0


def test_trips_are_none_and_no_place_is_listed_when_every_item_is_online(lab: Engine) -> None:
    assert lab_outcome(lab, FIRST_ONLY).summary.sites == []


def test_items_of_two_departments_at_one_site_share_one_trip(lab: Engine) -> None:
    """第二项 (公安) and 第三项 (卫健) both have their windows in the service centre."""
    summary = lab_outcome(lab, ALL_THREE).summary
    assert (summary.trips, [(s.site_id, s.items) for s in summary.sites]) == (
        1, [("service_centre", ["second", "third"])])


@pytest.mark.parametrize("answers, mode", [
    (FIRST_ONLY, "online"), (FIRST_AND_SECOND, "online_precheck"), (ALL_THREE, "window"),
])
def test_the_handling_mode_is_the_least_online_of_the_items(lab: Engine, answers, mode) -> None:
    assert lab_outcome(lab, answers).summary.handling_mode == mode


def test_the_time_limit_of_one_item_is_its_promised_days(lab: Engine) -> None:
    assert lab_outcome(lab, FIRST_ONLY).summary.time_limit_days == 3


def test_an_item_waiting_for_another_s_material_adds_its_days_after_it(lab: Engine) -> None:
    assert lab_outcome(lab, FIRST_AND_SECOND).summary.time_limit_days == 3 + 5


def test_the_time_limit_is_the_longest_chain_of_items(lab: Engine) -> None:
    assert lab_outcome(lab, ALL_THREE).summary.time_limit_days == max(3 + 5, 3 + 2)


def test_the_newborn_time_limit_follows_the_longest_chain(newborn_anonymous: Outcome) -> None:
    # 出生医学证明 (3) → 生育医疗费用报销 (15) outlasts 出生登记 (3 + 5) → 社保卡 (+10).
    assert newborn_anonymous.summary.time_limit_days == 18


def test_a_bundle_s_own_promised_days_override_the_computed_limit(lab_catalogue: Catalogue) -> None:
    bundle = lab_catalogue.bundles["merge_lab"].copy(update={"promised_days": 2})
    engine = Engine(dataclasses.replace(lab_catalogue, bundles={"merge_lab": bundle}))
    assert engine.outcome("merge_lab", ALL_THREE, ANONYMOUS).summary.time_limit_days == 2


# -- completeness -----------------------------------------------------------------------------

def test_an_outcome_before_the_last_answer_is_not_complete(engine: Engine) -> None:
    assert engine.outcome("newborn", {"born_in_city": True}, ANONYMOUS).complete is False


def test_an_outcome_after_the_last_answer_is_complete(newborn_anonymous: Outcome) -> None:
    assert newborn_anonymous.complete is True


def test_items_that_depend_on_unanswered_questions_are_undecided(engine: Engine) -> None:
    outcome = engine.outcome("newborn", {"born_in_city": True}, ANONYMOUS)
    assert "maternity_reimbursement" in outcome.undecided_items


def test_an_undecided_item_is_not_listed_as_applicable(engine: Engine) -> None:
    outcome = engine.outcome("newborn", {"born_in_city": True}, ANONYMOUS)
    assert "maternity_reimbursement" not in {i.item_id for i in outcome.items}


# -- the form ---------------------------------------------------------------------------------

def test_each_form_field_appears_once(newborn_signed_in: Outcome) -> None:
    ids = [f.field_id for f in newborn_signed_in.fields]
    assert len(ids) == len(set(ids))


def test_a_field_optional_in_its_only_use_is_not_required(lab: Engine) -> None:
    assert field(lab_outcome(lab, FIRST_AND_SECOND), "spouse_name").required is False


def test_a_field_is_prefilled_from_the_identity_profile(newborn_signed_in: Outcome) -> None:
    line = field(newborn_signed_in, "applicant_name")
    assert (line.value, line.source, line.source_detail) == ("王强", "identity", "name")


def test_a_field_is_prefilled_from_an_e_licence(newborn_signed_in: Outcome) -> None:
    line = field(newborn_signed_in, "spouse_name")
    expected = ("李梅", "e_licence", "marriage_certificate")
    assert (line.value, line.source, line.source_detail) == expected


def test_an_e_licence_source_listed_first_wins_over_the_identity_profile(
    newborn_signed_in: Outcome,
) -> None:
    assert field(newborn_signed_in, "household_address").source == "e_licence"


def test_a_field_is_prefilled_from_an_answer(newborn_anonymous: Outcome) -> None:
    line = field(newborn_anonymous, "child_birth_date")
    expected = ("2026-11-10", "answer", "child_birth_date")
    assert (line.value, line.source, line.source_detail) == expected


def test_an_answer_fills_a_field_with_the_label_a_person_reads(newborn_anonymous: Outcome) -> None:
    assert field(newborn_anonymous, "settle_with").value == "随父亲落户"


def test_a_field_nothing_can_fill_is_left_to_the_applicant(newborn_signed_in: Outcome) -> None:
    line = field(newborn_signed_in, "child_name")
    assert (line.value, line.display, line.source) == (None, None, None)


def test_the_id_number_is_kept_whole_for_the_application(newborn_signed_in: Outcome) -> None:
    assert field(newborn_signed_in, "applicant_id_number").value == ID_NUMBER


def test_the_id_number_is_masked_wherever_it_is_shown(newborn_signed_in: Outcome) -> None:
    shown = field(newborn_signed_in, "applicant_id_number").display
    expected = (ID_NUMBER[:6], ID_NUMBER[-4:], False)
    assert (shown[:6], shown[-4:], ID_NUMBER[6:14] in shown) == expected


def test_an_id_number_from_an_e_licence_is_masked_too(newborn_signed_in: Outcome) -> None:
    assert SPOUSE_ID_NUMBER not in field(newborn_signed_in, "spouse_id_number").display


def test_the_phone_number_is_masked_wherever_it_is_shown(newborn_signed_in: Outcome) -> None:
    shown = field(newborn_signed_in, "applicant_phone").display
    assert (shown[:3], shown[-4:], PHONE[3:7] in shown) == ("138", "8000", False)


def test_a_value_that_is_not_personal_is_shown_as_it_is(newborn_signed_in: Outcome) -> None:
    line = field(newborn_signed_in, "applicant_name")
    assert line.display == line.value


def test_the_prefill_ratio_is_the_share_of_prefilled_fields(newborn_signed_in: Outcome) -> None:
    filled = sum(1 for f in newborn_signed_in.fields if f.source)
    assert newborn_signed_in.prefill_ratio == round(filled / len(newborn_signed_in.fields), 3)


def test_spouse_fields_are_on_the_form_only_for_married_parents(engine: Engine) -> None:
    outcome = engine.outcome("newborn", {**NEWBORN, "parents_married": False}, ANONYMOUS)
    assert {"spouse_name", "spouse_id_number"} & {f.field_id for f in outcome.fields} == set()


# -- signed in versus anonymous ---------------------------------------------------------------

def test_an_anonymous_person_gets_nothing_from_identity_or_e_licences(
    newborn_anonymous: Outcome,
) -> None:
    assert {f.source for f in newborn_anonymous.fields} <= {"answer", None}


def test_an_anonymous_person_brings_every_licence(newborn_anonymous: Outcome) -> None:
    assert [m.material_id for m in newborn_anonymous.materials if m.status == "exempt"] == []


def test_a_signed_in_person_is_exempt_from_the_licences_the_government_holds(
    newborn_signed_in: Outcome,
) -> None:
    exempt = {m.material_id for m in newborn_signed_in.materials if m.status == "exempt"}
    assert exempt == {"household_register", "marriage_certificate"}


def test_signing_in_raises_the_prefill_ratio(newborn_anonymous, newborn_signed_in) -> None:
    assert newborn_signed_in.prefill_ratio > newborn_anonymous.prefill_ratio


def test_signing_in_brings_fewer_materials(newborn_anonymous, newborn_signed_in) -> None:
    assert newborn_signed_in.summary.after < newborn_anonymous.summary.after


def test_signing_in_leaves_the_items_unchanged(newborn_anonymous, newborn_signed_in) -> None:
    items = [i.item_id for i in newborn_anonymous.items]
    assert [i.item_id for i in newborn_signed_in.items] == items


def test_a_marriage_on_record_answers_parents_married_for_the_outcome(
    engine: Engine, signed_in: Facts
) -> None:
    answers = {k: v for k, v in NEWBORN.items() if k != "parents_married"}
    outcome = engine.outcome("newborn", answers, signed_in)
    assert (outcome.complete, status(outcome, "marriage_certificate")) == (True, "exempt")


def test_the_profile_yields_the_facts_conditions_read(signed_in: Facts) -> None:
    values = signed_in.values
    assert (values["logged_in"], values["age"], values["gender"], values["hukou_local"]) == (
        True, 36, "male", True)


# -- explain ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trace(engine: Engine, signed_in: Facts) -> Dict[tuple, Any]:
    answers = {**NEWBORN, "mother_hukou": "non_local", "mother_employee_insured": False}
    answers.pop("parents_married")
    answers.pop("settle_with")
    return {(e.kind, e.id): e for e in engine.explain("newborn", answers, signed_in).entries}


def test_an_included_item_is_explained_by_the_answer_that_holds(trace) -> None:
    entry = trace[("item", "social_security_card")]
    clauses = [(c.subject, c.result) for c in entry.clauses]
    assert (entry.status, clauses) == ("included", [("answer:apply_social_security_card", True)])


def test_an_excluded_item_is_explained_by_the_answer_that_fails(trace) -> None:
    entry = trace[("item", "maternity_reimbursement")]
    clauses = [(c.subject, c.result) for c in entry.clauses]
    assert (entry.status, clauses) == ("excluded", [("answer:mother_employee_insured", False)])


def test_an_item_without_a_condition_is_included_without_clauses(trace) -> None:
    entry = trace[("item", "vaccination_certificate")]
    assert (entry.status, entry.clauses) == ("included", [])


def test_an_exempt_material_is_explained_by_the_e_licence_held(trace, catalogue: Catalogue) -> None:
    entry = trace[("material", "household_register")]
    licence = catalogue.e_licences["household_register"].name
    assert (entry.status, licence in entry.reason) == ("exempt", True)


def test_a_produced_material_is_explained_by_the_item_that_produces_it(trace) -> None:
    entry = trace[("material", "birth_medical_certificate")]
    assert (entry.status, "birth_medical_certificate" in entry.reason) == ("produced", True)


def test_a_question_answered_by_an_e_licence_says_so(trace) -> None:
    assert trace[("question", "parents_married")].status == "answered_by_fact"


def test_a_question_that_does_not_apply_shows_the_condition_that_failed(trace) -> None:
    entry = trace[("question", "settle_with")]
    results = {c.subject: c.result for c in entry.clauses}
    assert (entry.status, results) == (
        "not_applicable", {"answer:father_hukou": True, "answer:mother_hukou": False})


def test_the_question_asked_next_is_marked_as_asking(engine: Engine) -> None:
    entries = engine.explain("newborn", {"born_in_city": True}, ANONYMOUS).entries
    assert [e.id for e in entries if e.status == "asking"] == ["child_birth_date"]


def test_a_prefilled_field_is_explained_by_its_source(trace) -> None:
    assert trace[("field", "applicant_name")].status == "identity"


def test_the_trace_reads_as_one_line_per_entry_plus_its_clauses(engine: Engine) -> None:
    trace = engine.explain("newborn", NEWBORN, ANONYMOUS)
    expected = len(trace.entries) + sum(len(e.clauses) for e in trace.entries)
    assert len(trace.lines()) == expected
