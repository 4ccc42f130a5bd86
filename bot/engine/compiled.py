"""A bundle prepared for fast evaluation: compiled conditions and per-question dependencies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Dict, List, Optional, Pattern, Set, Tuple

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.conditions import Condition, answer_refs, comparisons
from bot.catalogue.model import Bundle, FieldUse, FormField, Item, Material, MaterialUse, Question
from bot.engine.evaluate import Evaluator, compile_condition, conjoin


@dataclass
class CompiledUse:
    """A material or field use with its item's condition folded in."""

    item: Item
    use: Any  # MaterialUse | FieldUse
    applies: Optional[Evaluator]
    reads: Set[str]


@dataclass
class CompiledQuestion:
    question: Question
    index: int
    when: Optional[Evaluator]
    fact_answers: List[Tuple[Evaluator, Any]]
    extract: List[Tuple[Pattern[str], Any]]
    # Conditions on outcomes (items, materials, fields) that read this question.
    affects: List[Evaluator] = field(default_factory=list)
    # Later questions whose asking depends on this one.
    gates: List[str] = field(default_factory=list)
    # Form fields this question's answer can fill, with the sources tried before it.
    fills: List[Tuple[str, int]] = field(default_factory=list)
    thresholds: List[float] = field(default_factory=list)
    date_thresholds: List[Tuple[str, float]] = field(default_factory=list)
    statically_relevant: bool = False

    @property
    def id(self) -> str:
        return self.question.id


@dataclass
class CompiledBundle:
    bundle: Bundle
    questions: List[CompiledQuestion]
    by_id: Dict[str, CompiledQuestion]
    items: List[Tuple[Item, Optional[Evaluator]]]
    materials: List[CompiledUse]
    fields: List[CompiledUse]
    field_defs: Dict[str, FormField]  # as this bundle labels them (FieldUse.label, .hint)
    material_defs: Dict[str, Material] = field(default_factory=dict)  # as this bundle names them

    @property
    def id(self) -> str:
        return self.bundle.id

    def representatives(self, cq: CompiledQuestion, today: date) -> List[Any]:
        """Values of a question that cover every way its conditions can turn out."""
        q = cq.question
        if q.kind == "yesno":
            return [True, False]
        if q.kind == "single":
            return [o.value for o in q.options]
        if q.kind == "multi":
            return [[]] + [[o.value] for o in q.options]
        if q.kind == "number":
            return _number_representatives(cq)
        if q.kind == "date":
            return _date_representatives(cq, today)
        return ["…"]


def _number_representatives(cq: CompiledQuestion) -> List[float]:
    q = cq.question
    step = 1 if q.integer else 0.5
    points: Set[float] = set()
    for t in cq.thresholds:
        points.update({t - step, t, t + step})
    if not points:
        points.add(q.min if q.min is not None else 0)
    lo = q.min if q.min is not None else float("-inf")
    hi = q.max if q.max is not None else float("inf")
    values = sorted(p for p in points if lo <= p <= hi)
    return [int(v) if q.integer else v for v in values] or [q.min or 0]


def _date_representatives(cq: CompiledQuestion, today: date) -> List[date]:
    out: Set[date] = {today}
    for measure, t in cq.date_thresholds:
        for delta in (t - 1, t, t + 1):
            if delta < 0:
                continue
            out.add(_ago(today, measure, delta))
    return sorted(out, reverse=True)


def _ago(today: date, measure: str, amount: float) -> date:
    amount = int(amount)
    if measure == "days_since":
        return today - timedelta(days=amount)
    months = amount if measure == "months_since" else amount * 12
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, 28)
    return date(year, month + 1, day)


def compile_bundle(catalogue: Catalogue, bundle: Bundle) -> CompiledBundle:
    questions: List[CompiledQuestion] = []
    for index, q in enumerate(bundle.questions):
        questions.append(
            CompiledQuestion(
                question=q,
                index=index,
                when=compile_condition(q.when),
                fact_answers=[(compile_condition(fa.when), fa.value) for fa in q.answered_by],
                extract=[(re.compile(e.pattern), e.value) for e in q.extract],
            )
        )
    by_id = {cq.id: cq for cq in questions}

    items: List[Tuple[Item, Optional[Evaluator]]] = []
    materials: List[CompiledUse] = []
    fields: List[CompiledUse] = []
    outcome_conditions: List[Tuple[Set[str], Evaluator, List[Optional[Condition]]]] = []
    for item in bundle.items:
        item_when = compile_condition(item.when)
        items.append((item, item_when))
        if item_when is not None:
            outcome_conditions.append((answer_refs(item.when), item_when, [item.when]))
        for use in item.materials:
            materials.append(_use(item, item_when, use, outcome_conditions))
        for use in item.fields:
            fields.append(_use(item, item_when, use, outcome_conditions))

    for reads, evaluator, conditions in outcome_conditions:
        for qid in reads:
            by_id[qid].affects.append(evaluator)
        for condition in conditions:
            _collect_thresholds(condition, by_id)
    for cq in questions:
        _collect_thresholds(cq.question.when, by_id)
        for qid in answer_refs(cq.question.when):
            by_id[qid].gates.append(cq.id)

    field_defs = _as_used(catalogue.fields, fields, ("label", "hint"))
    material_defs = _as_used(catalogue.materials, materials, ("name",))
    for field_id, definition in field_defs.items():
        for position, source in enumerate(definition.sources):
            if source.answer and source.answer in by_id:
                by_id[source.answer].fills.append((field_id, position))

    _mark_static_relevance(questions, by_id)
    return CompiledBundle(bundle, questions, by_id, items, materials, fields, field_defs, material_defs)


def _as_used(registry: Dict[str, Any], uses: List[CompiledUse], attrs: Tuple[str, ...]) -> Dict[str, Any]:
    """Registry entries with this bundle's own wording laid over them (the loader has checked
    that every use in the bundle words an entry alike)."""
    out: Dict[str, Any] = {}
    for compiled in uses:
        ref = compiled.use.ref
        own = {a: getattr(compiled.use, a) for a in attrs if getattr(compiled.use, a) is not None}
        entry = out.get(ref, registry[ref])
        out[ref] = entry.copy(update=own) if own else entry
    return out


def _use(
    item: Item,
    item_when: Optional[Evaluator],
    use: MaterialUse | FieldUse,
    outcome_conditions: List[Tuple[Set[str], Evaluator, List[Optional[Condition]]]],
) -> CompiledUse:
    applies = conjoin(item_when, compile_condition(use.when))
    reads = answer_refs(item.when) | answer_refs(use.when)
    if applies is not None and use.when is not None:
        outcome_conditions.append((reads, applies, [use.when]))
    return CompiledUse(item=item, use=use, applies=applies, reads=reads)


def _collect_thresholds(condition: Optional[Condition], by_id: Dict[str, CompiledQuestion]) -> None:
    for cmp in comparisons(condition):
        if cmp.answer is None or cmp.answer not in by_id:
            continue
        cq = by_id[cmp.answer]
        op, operand = cmp.operator, cmp.operand
        if cmp.of:
            cq.date_thresholds.append((cmp.of, float(operand)))
        elif op in ("lt", "le", "gt", "ge"):
            cq.thresholds.append(float(operand))
        elif op in ("is", "is_not", "in", "not_in") and cq.question.kind == "number":
            values = operand if op in ("in", "not_in") else [operand]
            cq.thresholds.extend(float(v) for v in values)


def _mark_static_relevance(questions: List[CompiledQuestion], by_id: Dict[str, CompiledQuestion]) -> None:
    """A question matters if an outcome reads it, it fills a form field, or it gates one that
    matters; iterate to a fixed point (gates only point forward, so one backward pass does)."""
    for cq in reversed(questions):
        cq.statically_relevant = bool(
            cq.affects or cq.fills or any(by_id[g].statically_relevant for g in cq.gates)
        )
