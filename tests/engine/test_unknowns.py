"""bot/engine/unknowns.py and UNKNOWN through the engine: "不知道" is an answer, the outcome says
what depends on it."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict

import pytest

from bot.catalogue.values import coerce_answer
from bot.engine import UNKNOWN, Engine

TODAY = date(2026, 11, 21)
NEWBORN = {"born_in_city": True, "child_birth_date": "2026-11-10", "parents_married": True,
           "father_hukou": "local", "mother_hukou": "local", "settle_with": "father",
           "mother_employee_insured": UNKNOWN, "apply_social_security_card": False}


def _answers(engine: Engine, bundle_id: str, raw: Dict[str, Any]) -> Dict[str, Any]:
    answers: Dict[str, Any] = {}
    for qid, value in raw.items():
        answers = engine.set_answer(bundle_id, answers, qid, value)
    return answers


@pytest.mark.parametrize("bundle_id, question_id", [
    ("newborn", "born_in_city"), ("newborn", "father_hukou"), ("newborn", "child_birth_date"),
    ("restaurant_opening", "floor_area"), ("property_transfer", "utilities"),
])
def test_unknown_is_an_answer_to_every_kind_of_question(engine: Engine, bundle_id, question_id) -> None:
    assert coerce_answer(engine.question(bundle_id, question_id), UNKNOWN) == UNKNOWN


def test_a_question_answered_unknown_is_not_asked_again(engine: Engine) -> None:
    answers = _answers(engine, "newborn", {"born_in_city": UNKNOWN})
    assert engine.next_question("newborn", answers).question.id != "born_in_city"


def test_an_item_that_depends_on_an_unknown_answer_is_undecided(engine: Engine) -> None:
    outcome = engine.outcome("newborn", _answers(engine, "newborn", NEWBORN))
    assert outcome.undecided_items == ["maternity_reimbursement"]


def test_a_question_gated_by_an_unknown_answer_is_not_asked(engine: Engine) -> None:
    raw = {**NEWBORN, "father_hukou": UNKNOWN, "mother_hukou": "non_local"}
    raw.pop("settle_with")
    raw.pop("apply_social_security_card")
    assert engine.next_question("newborn", _answers(engine, "newborn", raw)).done


def test_the_outcome_lists_what_each_possible_answer_adds(engine: Engine) -> None:
    outcome = engine.outcome("newborn", _answers(engine, "newborn", NEWBORN))
    assert [(c.question_id, c.value, c.items) for c in outcome.conditional] == [
        ("mother_employee_insured", True, ["maternity_reimbursement"])]


def test_the_outcome_names_the_questions_to_confirm_at_the_window(engine: Engine) -> None:
    assert engine.outcome("newborn", _answers(engine, "newborn", NEWBORN)).to_confirm == ["mother_employee_insured"]


def test_an_outcome_without_unknown_answers_has_no_conditional_lines(engine: Engine) -> None:
    outcome = engine.outcome("newborn", _answers(engine, "newborn", {**NEWBORN, "mother_employee_insured": False}))
    assert (outcome.conditional, outcome.to_confirm) == ([], [])


def test_the_notice_lines_are_worded_by_the_vocabulary(engine: Engine) -> None:
    outcome = engine.outcome("newborn", _answers(engine, "newborn", NEWBORN))
    lines = engine.unknown_notes("newborn", outcome)
    assert (lines[0].startswith("如果“孩子母亲是否参加了职工医保"), lines[-1].startswith("请到窗口确认：")) == (
        True, True)


def test_a_date_answered_unknown_says_what_it_may_add(engine: Engine) -> None:
    raw = {**NEWBORN, "child_birth_date": UNKNOWN, "mother_employee_insured": False}
    outcome = engine.outcome("newborn", _answers(engine, "newborn", raw))
    assert [(c.value, c.materials) for c in outcome.conditional] == [(None, ["late_registration_statement"])]
