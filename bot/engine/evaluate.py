"""Compiles conditions into closures with three-valued results: True, False or None (unknown)."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional

from bot.catalogue.conditions import AllOf, AnyOf, Comparison, Condition, Not, elapsed
from bot.catalogue.values import UNKNOWN

Tri = Optional[bool]
_MISSING = object()


class Context:
    """What is known while evaluating: answers, questions that cannot apply, facts, and one
    hypothetical answer (`probe`) used to test whether a question could change anything."""

    __slots__ = ("known", "na", "facts", "today", "probe_id", "probe_value")

    def __init__(
        self,
        known: Mapping[str, Any],
        na: FrozenSet[str] | set,
        facts: Mapping[str, Any],
        today: date,
    ) -> None:
        self.known = known
        self.na = na
        self.facts = facts
        self.today = today
        self.probe_id: Optional[str] = None
        self.probe_value: Any = None

    def answer(self, qid: str) -> Any:
        """The value, `None` when the question cannot apply, `_MISSING` when still unknown."""
        if qid == self.probe_id:
            return self.probe_value
        value = self.known.get(qid, _MISSING)
        if value is _MISSING and qid in self.na:
            return None
        if isinstance(value, str) and value == UNKNOWN:
            return _MISSING  # answered "不知道": conditions on it stay undecided
        return value


Evaluator = Callable[[Context], Tri]


def _same(a: Any, b: Any) -> bool:
    # True == 1 in Python; in rules a yes/no answer never equals a number or a string.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _compare(cmp: Comparison) -> Callable[[Any, date], bool]:
    op, operand, measure = cmp.operator, cmp.operand, cmp.of

    def number(value: Any, today: date) -> Optional[float]:
        if measure and isinstance(value, date):
            return elapsed(value, today, measure)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return float(value)

    if op == "is":
        return lambda v, t: _same(v, operand)
    if op == "is_not":
        return lambda v, t: not _same(v, operand)
    if op == "in":
        return lambda v, t: any(_same(v, o) for o in operand)
    if op == "not_in":
        return lambda v, t: not any(_same(v, o) for o in operand)
    if op == "contains":
        return lambda v, t: isinstance(v, (list, tuple, set, frozenset)) and operand in v
    if op in ("lt", "le", "gt", "ge"):
        test = {
            "lt": lambda x: x < operand,
            "le": lambda x: x <= operand,
            "gt": lambda x: x > operand,
            "ge": lambda x: x >= operand,
        }[op]

        def numeric(v: Any, t: date) -> bool:
            x = number(v, t)
            return x is not None and test(x)

        return numeric
    raise AssertionError(f"unhandled operator {op}")


def compile_condition(condition: Optional[Condition]) -> Optional[Evaluator]:
    """`None` (no condition) means always applies; callers skip calling it."""
    if condition is None:
        return None
    return _compile(condition)


def _combine(parts: List[Evaluator], decisive: bool) -> Evaluator:
    """Three-valued all (decisive=False) or any (decisive=True): one decisive part settles
    it; otherwise any unknown part leaves it unknown."""

    def combined(ctx: Context) -> Tri:
        unknown = False
        for part in parts:
            result = part(ctx)
            if result is decisive:
                return decisive
            if result is None:
                unknown = True
        return None if unknown else not decisive

    return combined


def _compile(condition: Condition) -> Evaluator:
    if isinstance(condition, AllOf):
        return _combine([_compile(c) for c in condition.all], decisive=False)
    if isinstance(condition, AnyOf):
        return _combine([_compile(c) for c in condition.any], decisive=True)
    if isinstance(condition, Not):
        inner = _compile(condition.not_)

        def negate(ctx: Context) -> Tri:
            result = inner(ctx)
            return None if result is None else not result

        return negate
    return _compile_comparison(condition)


def _compile_comparison(cmp: Comparison) -> Evaluator:
    if cmp.fact is not None:
        name = cmp.fact
        if cmp.operator == "answered":
            want = bool(cmp.operand)
            return lambda ctx: (ctx.facts.get(name) is not None) is want
        test = _compare(cmp)

        def fact(ctx: Context) -> Tri:
            value = ctx.facts.get(name)
            # An absent fact makes every comparison false: nothing is assumed about a person.
            return False if value is None else test(value, ctx.today)

        return fact

    qid = cmp.answer
    if cmp.operator == "answered":
        want = bool(cmp.operand)

        def answered(ctx: Context) -> Tri:
            value = ctx.answer(qid)
            if value is _MISSING:
                return None
            return (value is not None) is want

        return answered
    test = _compare(cmp)

    def answer(ctx: Context) -> Tri:
        value = ctx.answer(qid)
        if value is _MISSING:
            return None
        # A question that cannot apply has no answer; comparisons on it are false.
        return False if value is None else test(value, ctx.today)

    return answer


def conjoin(*evaluators: Optional[Evaluator]) -> Optional[Evaluator]:
    """Both must hold (an item's condition and its material's condition)."""
    parts = [e for e in evaluators if e is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else _combine(parts, decisive=False)


def is_missing(value: Any) -> bool:
    return value is _MISSING


def holds(evaluator: Optional[Evaluator], ctx: Context) -> Tri:
    return True if evaluator is None else evaluator(ctx)


Answers = Dict[str, Any]
