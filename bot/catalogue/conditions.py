"""The declarative condition language: all/any/not over answer and fact comparisons."""

from __future__ import annotations

from datetime import date
from typing import Any, List, Literal, Optional, Union

from pydantic import BaseModel, Field, StrictBool, root_validator

Scalar = Union[StrictBool, int, float, str]
DateMeasure = Literal["days_since", "months_since", "years_since"]

OPERATORS = ("is_", "is_not", "in_", "not_in", "contains", "lt", "le", "gt", "ge", "answered")


class _Strict(BaseModel):
    class Config:
        extra = "forbid"
        allow_population_by_field_name = True


class Comparison(_Strict):
    """`{answer: q, is: v}` or `{fact: f, contains: v}`; exactly one subject and one operator."""

    answer: Optional[str] = None
    fact: Optional[str] = None
    # For date answers: compare the elapsed time instead of the date itself.
    of: Optional[DateMeasure] = None
    is_: Optional[Scalar] = Field(None, alias="is")
    is_not: Optional[Scalar] = None
    in_: Optional[List[Scalar]] = Field(None, alias="in")
    not_in: Optional[List[Scalar]] = None
    contains: Optional[Scalar] = None
    lt: Optional[float] = None
    le: Optional[float] = None
    gt: Optional[float] = None
    ge: Optional[float] = None
    answered: Optional[StrictBool] = None

    @root_validator(skip_on_failure=True)
    def _one_subject_one_operator(cls, values: dict) -> dict:
        subjects = [k for k in ("answer", "fact") if values.get(k) is not None]
        if len(subjects) != 1:
            raise ValueError("a comparison names exactly one of `answer` or `fact`")
        used = [k for k in OPERATORS if values.get(k) is not None]
        if len(used) != 1:
            names = ", ".join(k.rstrip("_") for k in OPERATORS)
            raise ValueError(f"a comparison uses exactly one operator of: {names}")
        if values.get("of") and used[0] not in ("lt", "le", "gt", "ge"):
            raise ValueError("`of` needs a numeric operator (lt, le, gt, ge)")
        return values

    @property
    def subject(self) -> str:
        return self.answer if self.answer is not None else self.fact  # type: ignore[return-value]

    @property
    def op_key(self) -> str:
        """The operator's field name (`is_`, `in_`, `lt`, …)."""
        for key in OPERATORS:
            if getattr(self, key) is not None:
                return key
        raise AssertionError("validated comparison without operator")

    @property
    def operator(self) -> str:
        return self.op_key.rstrip("_")

    @property
    def operand(self) -> Any:
        return getattr(self, self.op_key)


_SHAPE = "a condition is {answer|fact: …, <operator>: …}, {all: […]}, {any: […]} or {not: …}"


class ConditionType:
    """Dispatches on the mapping's keys so that errors name the real problem, not every union arm."""

    @classmethod
    def __get_validators__(cls):  # noqa: ANN206 - pydantic v1 protocol
        yield cls.validate

    @classmethod
    def validate(cls, value: Any) -> Condition:
        if isinstance(value, (AllOf, AnyOf, Not, Comparison)):
            return value
        if not isinstance(value, dict) or not value:
            raise ValueError(_SHAPE)
        if "all" in value:
            return AllOf.parse_obj(value)
        if "any" in value:
            return AnyOf.parse_obj(value)
        if "not" in value:
            return Not.parse_obj(value)
        if "answer" in value or "fact" in value:
            return Comparison.parse_obj(value)
        raise ValueError(_SHAPE)


class AllOf(_Strict):
    all: List[ConditionType] = Field(..., min_items=1)


class AnyOf(_Strict):
    any: List[ConditionType] = Field(..., min_items=1)


class Not(_Strict):
    not_: ConditionType = Field(..., alias="not")


Condition = Union[AllOf, AnyOf, Not, Comparison]


def answer_refs(condition: Optional[Condition]) -> set[str]:
    """Question ids a condition reads."""
    return {c.answer for c in comparisons(condition) if c.answer is not None}


def fact_refs(condition: Optional[Condition]) -> set[str]:
    return {c.fact for c in comparisons(condition) if c.fact is not None}


def comparisons(condition: Optional[Condition]) -> List[Comparison]:
    if condition is None:
        return []
    if isinstance(condition, Comparison):
        return [condition]
    if isinstance(condition, AllOf):
        return [c for sub in condition.all for c in comparisons(sub)]
    if isinstance(condition, AnyOf):
        return [c for sub in condition.any for c in comparisons(sub)]
    return comparisons(condition.not_)


def elapsed(value: date, today: date, measure: str) -> float:
    """Whole days, months or years from `value` to `today` (a birthday counts on its day)."""
    if measure == "days_since":
        return float((today - value).days)
    months = (today.year - value.year) * 12 + (today.month - value.month)
    if today.day < value.day:
        months -= 1
    return float(months if measure == "months_since" else months // 12)
