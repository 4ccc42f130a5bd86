"""bot/engine/questionnaire.py on the newborn bundle, smart-answers style: one test per branch
of each question node, then facts, free text, changed answers, progress and typed errors."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional

import pytest

from bot.engine import Engine, Facts, InvalidAnswer, UnknownBundle, UnknownQuestion, anonymous
from bot.engine.facts import facts_from_profile

TODAY = date(2026, 11, 21)
ANONYMOUS = anonymous(TODAY)
RECENT = date(2026, 11, 10)  # born 11 days ago

BORN = {"born_in_city": True, "child_birth_date": RECENT}
MARRIED = {**BORN, "parents_married": True}
BOTH_LOCAL = {**MARRIED, "father_hukou": "local", "mother_hukou": "local"}
SETTLED = {**BOTH_LOCAL, "settle_with": "father"}
EVERY_REPLY = {**SETTLED, "mother_employee_insured": False, "apply_social_security_card": True}


@pytest.fixture
def asks(engine: Engine):
    """The id of the question asked next for these answers, or None when done."""
    def asks(answers: Dict[str, Any], facts: Facts = ANONYMOUS) -> Optional[str]:
        step = engine.next_question("newborn", answers, facts)
        return step.question.id if step.question else None
    return asks


@pytest.fixture
def change(engine: Engine):
    """set_answer on newborn for an anonymous person."""
    def change(answers: Dict[str, Any], question_id: str, value: Any) -> Dict[str, Any]:
        return engine.set_answer("newborn", answers, question_id, value, ANONYMOUS)
    return change


@pytest.fixture
def remove(engine: Engine):
    """remove_answer on newborn for an anonymous person."""
    def remove(answers: Dict[str, Any], question_id: str) -> Dict[str, Any]:
        return engine.remove_answer("newborn", answers, question_id, ANONYMOUS)
    return remove


def answer_as_asked(engine: Engine, replies: Dict[str, Any], facts: Facts = ANONYMOUS) -> List[str]:
    """Answer each question as it is asked from `replies`; the questions asked, in order."""
    answers: Dict[str, Any] = {}
    asked: List[str] = []
    while True:
        step = engine.next_question("newborn", answers, facts)
        if step.done:
            return asked
        qid = step.question.id
        asked.append(qid)
        answers = engine.set_answer("newborn", answers, qid, replies[qid], facts)


# -- node by node -----------------------------------------------------------------------------

def test_the_first_question_is_whether_the_child_was_born_in_the_city(asks) -> None:
    assert asks({}) == "born_in_city"


def test_born_in_the_city_leads_to_the_birth_date(asks) -> None:
    assert asks({"born_in_city": True}) == "child_birth_date"


def test_born_elsewhere_also_leads_to_the_birth_date(asks) -> None:
    assert asks({"born_in_city": False}) == "child_birth_date"


def test_a_recent_birth_date_leads_to_whether_the_parents_are_married(asks) -> None:
    assert asks(BORN) == "parents_married"


def test_a_birth_over_a_month_ago_also_leads_to_whether_the_parents_are_married(asks) -> None:
    assert asks({**BORN, "child_birth_date": date(2026, 9, 1)}) == "parents_married"


def test_married_parents_lead_to_the_father_s_hukou(asks) -> None:
    assert asks(MARRIED) == "father_hukou"


def test_unmarried_parents_also_lead_to_the_father_s_hukou(asks) -> None:
    assert asks({**BORN, "parents_married": False}) == "father_hukou"


def test_a_local_father_leads_to_the_mother_s_hukou(asks) -> None:
    assert asks({**MARRIED, "father_hukou": "local"}) == "mother_hukou"


def test_a_non_local_father_also_leads_to_the_mother_s_hukou(asks) -> None:
    assert asks({**MARRIED, "father_hukou": "non_local"}) == "mother_hukou"


def test_two_local_parents_are_asked_whom_the_child_settles_with(asks) -> None:
    assert asks(BOTH_LOCAL) == "settle_with"


@pytest.mark.parametrize("father, mother", [
    ("local", "non_local"), ("non_local", "local"), ("non_local", "non_local"),
])
def test_parents_not_both_local_go_on_to_the_mother_s_insurance(asks, father, mother) -> None:
    answers = {**MARRIED, "father_hukou": father, "mother_hukou": mother}
    assert asks(answers) == "mother_employee_insured"


@pytest.mark.parametrize("settle_with", ["father", "mother"])
def test_either_parent_to_settle_with_leads_to_the_mother_s_insurance(asks, settle_with) -> None:
    assert asks({**BOTH_LOCAL, "settle_with": settle_with}) == "mother_employee_insured"


@pytest.mark.parametrize("insured", [True, False])
def test_with_a_local_parent_the_insurance_answer_leads_to_the_social_security_card(
    asks, insured: bool
) -> None:
    assert asks({**SETTLED, "mother_employee_insured": insured}) == "apply_social_security_card"


def test_with_no_local_parent_the_insurance_answer_ends_the_questionnaire(asks) -> None:
    answers = {**MARRIED, "father_hukou": "non_local", "mother_hukou": "non_local",
               "mother_employee_insured": True}
    assert asks(answers) is None


@pytest.mark.parametrize("card", [True, False])
def test_the_social_security_card_answer_ends_the_questionnaire(asks, card: bool) -> None:
    assert asks({**EVERY_REPLY, "apply_social_security_card": card}) is None


def test_settle_with_is_asked_on_the_path_of_two_local_parents(engine: Engine) -> None:
    assert "settle_with" in answer_as_asked(engine, EVERY_REPLY)


def test_settle_with_is_not_asked_when_one_parent_is_not_local(engine: Engine) -> None:
    replies = {**EVERY_REPLY, "mother_hukou": "non_local"}
    assert "settle_with" not in answer_as_asked(engine, replies)


def test_no_question_is_asked_twice_on_the_longest_path(engine: Engine) -> None:
    asked = answer_as_asked(engine, EVERY_REPLY)
    assert len(asked) == len(set(asked)) == len(EVERY_REPLY)


# -- facts and free text ----------------------------------------------------------------------

@pytest.fixture
def married_on_record(catalogue) -> Facts:
    certificate = {"spouse_name": "李梅", "spouse_id_number": "370102199203034567"}
    licences = {"marriage_certificate": certificate}
    return facts_from_profile({"name": "王强"}, licences, catalogue.city, TODAY)


def test_parents_married_is_skipped_when_the_marriage_certificate_e_licence_is_held(
    asks, married_on_record: Facts
) -> None:
    assert asks(BORN, married_on_record) == "father_hukou"


def test_parents_married_is_never_asked_of_a_holder_of_the_marriage_certificate(
    engine: Engine, married_on_record: Facts
) -> None:
    assert "parents_married" not in answer_as_asked(engine, EVERY_REPLY, married_on_record)


def test_an_answer_from_an_e_licence_is_shown_as_coming_from_the_facts(
    engine: Engine, married_on_record: Facts
) -> None:
    views = {v.question_id: v for v in engine.answers_view("newborn", BORN, married_on_record)}
    assert (views["parents_married"].value, views["parents_married"].source) == (True, "fact")


def test_answers_given_by_facts_do_not_count_as_answered(engine: Engine, married_on_record) -> None:
    assert engine.next_question("newborn", BORN, married_on_record).progress.answered == 2


def test_answers_stated_in_free_text_are_extracted(engine: Engine) -> None:
    found = engine.extract_answers("newborn", "我和老婆都是济南户口")
    assert found == {"parents_married": True, "father_hukou": "local", "mother_hukou": "local"}


def test_a_birth_place_stated_in_free_text_is_extracted(engine: Engine) -> None:
    assert engine.extract_answers("newborn", "孩子是在济南的医院生的") == {"born_in_city": True}


def test_free_text_that_states_nothing_extracts_nothing(engine: Engine) -> None:
    assert engine.extract_answers("newborn", "你好，我想咨询一下") == {}


def test_questions_answered_in_free_text_are_skipped(engine: Engine, asks) -> None:
    extracted = engine.extract_answers("newborn", "我和老婆都是济南户口，孩子在济南的医院生的")
    assert asks({**extracted, "child_birth_date": RECENT}) == "settle_with"


# -- changing and removing answers ------------------------------------------------------------

def test_set_answer_keeps_the_answers_that_still_apply(change) -> None:
    assert change(BOTH_LOCAL, "settle_with", "mother") == {**BOTH_LOCAL, "settle_with": "mother"}


def test_changing_the_mother_to_non_local_drops_whom_the_child_settles_with(change) -> None:
    answers = change(BOTH_LOCAL, "settle_with", "father")
    assert "settle_with" not in change(answers, "mother_hukou", "non_local")


def test_changing_an_earlier_answer_keeps_the_changed_value(change) -> None:
    assert change(SETTLED, "mother_hukou", "non_local")["mother_hukou"] == "non_local"


def test_an_answer_to_a_question_that_does_not_apply_is_not_kept(change) -> None:
    one_local = {**MARRIED, "father_hukou": "local", "mother_hukou": "non_local"}
    assert "settle_with" not in change(one_local, "settle_with", "father")


def test_set_answer_does_not_change_the_answers_it_was_given(change) -> None:
    answers = dict(BOTH_LOCAL)
    change(answers, "mother_hukou", "non_local")
    assert answers == BOTH_LOCAL


def test_set_answer_stores_the_canonical_value(change) -> None:
    assert change({}, "child_birth_date", "2026-11-10")["child_birth_date"] == RECENT


def test_remove_answer_removes_it(remove) -> None:
    assert "child_birth_date" not in remove(BOTH_LOCAL, "child_birth_date")


def test_remove_answer_drops_answers_that_depended_on_it(remove) -> None:
    assert "settle_with" not in remove(SETTLED, "father_hukou")


def test_remove_answer_keeps_the_answers_that_did_not_depend_on_it(remove) -> None:
    kept = remove(SETTLED, "child_birth_date")
    assert kept == {k: v for k, v in SETTLED.items() if k != "child_birth_date"}


def test_removing_an_unanswered_question_changes_nothing(remove) -> None:
    assert remove(BOTH_LOCAL, "apply_social_security_card") == BOTH_LOCAL


def test_a_removed_question_is_asked_again(asks, remove) -> None:
    assert asks(remove(BOTH_LOCAL, "born_in_city")) == "born_in_city"


# -- progress ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def paths(engine: Engine) -> List[List[tuple]]:
    """Every anonymous answer path: (answered, remaining_max, questions still to come) per step."""
    cb = engine.compiled("newborn")
    dates = [RECENT, date(2026, 9, 1)]
    found: List[List[tuple]] = []

    def walk(answers: Dict[str, Any], trail: List[tuple]) -> None:
        step = engine.next_question("newborn", answers, ANONYMOUS)
        trail = trail + [(step.progress.answered, step.progress.remaining_max)]
        if step.done:
            found.append([(a, r, len(trail) - 1 - n) for n, (a, r) in enumerate(trail)])
            return
        qid = step.question.id
        values = dates if qid == "child_birth_date" else cb.representatives(cb.by_id[qid], TODAY)
        for value in values:
            walk(engine.set_answer("newborn", answers, qid, value, ANONYMOUS), trail)

    walk({}, [])
    return found


def test_progress_starts_with_nothing_answered_and_every_question_left(engine: Engine) -> None:
    progress = engine.next_question("newborn", {}, ANONYMOUS).progress
    questions = len(engine.bundle("newborn").questions)
    assert (progress.answered, progress.remaining_max) == (0, questions)


def test_progress_counts_one_more_answer_per_question_on_every_path(paths) -> None:
    assert all([a for a, _, _ in path] == list(range(len(path))) for path in paths)


def test_remaining_max_never_underestimates_the_questions_still_to_come(paths) -> None:
    assert all(remaining >= to_come for path in paths for _, remaining, to_come in path)


def test_the_total_estimate_never_grows_along_a_path(paths) -> None:
    totals = [[a + r for a, r, _ in path] for path in paths]
    assert all(t == sorted(t, reverse=True) for t in totals)


def test_remaining_max_is_zero_exactly_when_done(paths) -> None:
    assert all((r == 0) == (to_come == 0) for path in paths for _, r, to_come in path)


# -- typed errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda e: e.next_question("no_such_bundle", {}, ANONYMOUS),
    lambda e: e.outcome("no_such_bundle", {}, ANONYMOUS),
    lambda e: e.set_answer("no_such_bundle", {}, "born_in_city", True, ANONYMOUS),
    lambda e: e.explain("no_such_bundle", {}, ANONYMOUS),
], ids=["next_question", "outcome", "set_answer", "explain"])
def test_an_unknown_bundle_raises_unknown_bundle(engine: Engine, call) -> None:
    with pytest.raises(UnknownBundle):
        call(engine)


def test_unknown_bundle_names_the_bundle(engine: Engine) -> None:
    with pytest.raises(UnknownBundle) as raised:
        engine.next_question("no_such_bundle", {}, ANONYMOUS)
    assert raised.value.bundle_id == "no_such_bundle"


@pytest.mark.parametrize("call", [
    lambda e: e.set_answer("newborn", {}, "no_such_question", True, ANONYMOUS),
    lambda e: e.remove_answer("newborn", {}, "no_such_question", ANONYMOUS),
    lambda e: e.question("newborn", "no_such_question"),
], ids=["set_answer", "remove_answer", "question"])
def test_an_unknown_question_raises_unknown_question(engine: Engine, call) -> None:
    with pytest.raises(UnknownQuestion):
        call(engine)


def test_unknown_question_names_the_bundle_and_the_question(change) -> None:
    with pytest.raises(UnknownQuestion) as raised:
        change({}, "no_such_question", True)
    assert (raised.value.bundle_id, raised.value.question_id) == ("newborn", "no_such_question")


@pytest.mark.parametrize("bundle_id, question_id, value, reason", [
    ("newborn", "born_in_city", "maybe", "not_yes_or_no"),
    ("newborn", "born_in_city", 2, "not_yes_or_no"),
    ("newborn", "father_hukou", "mars", "unknown_option"),
    ("newborn", "father_hukou", ["local"], "unknown_option"),
    ("newborn", "child_birth_date", "yesterday", "not_a_date"),
    ("newborn", "child_birth_date", 20261110, "not_a_date"),
    ("restaurant_opening", "floor_area", 0, "below_min"),
    ("restaurant_opening", "floor_area", 100_001, "above_max"),
    ("restaurant_opening", "floor_area", "big", "not_a_number"),
    ("restaurant_opening", "floor_area", True, "not_a_number"),
    ("restaurant_opening", "floor_area", float("nan"), "not_a_number"),
    ("transport_company", "vehicle_count", 2.5, "not_an_integer"),
    ("property_transfer", "utilities", ["water", "lava"], "unknown_option"),
    ("property_transfer", "utilities", 3, "not_a_list"),
])
def test_an_invalid_answer_raises_invalid_answer_with_its_reason(
    engine: Engine, bundle_id: str, question_id: str, value: Any, reason: str
) -> None:
    with pytest.raises(InvalidAnswer) as raised:
        engine.set_answer(bundle_id, {}, question_id, value, ANONYMOUS)
    assert (raised.value.question_id, raised.value.reason) == (question_id, reason)
