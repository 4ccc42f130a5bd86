"""Checks and coerces an answer value against its question's kind, options and range."""

from __future__ import annotations

from datetime import date
from typing import Any, List

from bot.catalogue.model import Question

MAX_TEXT_ANSWER = 200

# "不知道" recorded as an answer: the question is not asked again, and every condition that
# reads it stays undecided (three-valued), so the outcome can say what depends on it.
# Not a valid option id, date, number or yes/no, so it never collides with a real value.
UNKNOWN = "?"


class InvalidAnswer(ValueError):
    """The value cannot answer this question; `reason` is a machine-readable code."""

    def __init__(self, question_id: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{question_id}: {reason}{': ' + detail if detail else ''}")
        self.question_id = question_id
        self.reason = reason
        self.detail = detail


_TRUE = {"true", "yes", "1", "是"}
_FALSE = {"false", "no", "0", "否"}


def coerce_answer(question: Question, value: Any) -> Any:
    """The canonical form of `value` for `question`, or InvalidAnswer."""
    if value == UNKNOWN and not isinstance(value, bool):
        return UNKNOWN
    kind = question.kind
    if kind == "yesno":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise InvalidAnswer(question.id, "not_yes_or_no", repr(value))
    if kind == "single":
        values = [o.value for o in question.options]
        if isinstance(value, str) and value in values:
            return value
        raise InvalidAnswer(question.id, "unknown_option", repr(value))
    if kind == "multi":
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, (list, tuple, set, frozenset)):
            raise InvalidAnswer(question.id, "not_a_list", repr(value))
        values = [o.value for o in question.options]
        unknown = [v for v in chosen if v not in values]
        if unknown:
            raise InvalidAnswer(question.id, "unknown_option", repr(unknown))
        return [v for v in values if v in chosen]
    if kind == "number":
        if isinstance(value, bool):
            raise InvalidAnswer(question.id, "not_a_number", repr(value))
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise InvalidAnswer(question.id, "not_a_number", repr(value)) from None
        if not isinstance(value, (int, float)) or value != value:  # NaN is not a number here
            raise InvalidAnswer(question.id, "not_a_number", repr(value))
        if question.min is not None and value < question.min:
            raise InvalidAnswer(question.id, "below_min", f"{value} < {question.min:g}")
        if question.max is not None and value > question.max:
            raise InvalidAnswer(question.id, "above_max", f"{value} > {question.max:g}")
        if question.integer:
            if value != int(value):
                raise InvalidAnswer(question.id, "not_an_integer", repr(value))
            return int(value)
        return float(value) if not isinstance(value, int) else value
    if kind == "date":
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise InvalidAnswer(question.id, "not_a_date", repr(value)) from None
        raise InvalidAnswer(question.id, "not_a_date", repr(value))
    # text
    if not isinstance(value, str) or not value.strip():
        raise InvalidAnswer(question.id, "empty_text", repr(value))
    if len(value) > MAX_TEXT_ANSWER:
        raise InvalidAnswer(question.id, "text_too_long", str(len(value)))
    return value.strip()


def option_values(question: Question) -> List[str]:
    return [o.value for o in question.options]
