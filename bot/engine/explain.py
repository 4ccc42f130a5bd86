"""Why each question, item, material and exemption is there: a trace over the conditions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.conditions import AllOf, AnyOf, Comparison, Condition, Not
from bot.engine.compiled import CompiledBundle
from bot.engine.evaluate import Context, compile_condition, is_missing
from bot.engine.outcome import Outcome, display_answer
from bot.engine.questionnaire import State


@dataclass
class Clause:
    """One comparison as evaluated: subject, operator, operand, the actual value and the result."""

    subject: str  # "answer:<question id>" or "fact:<name>"
    operator: str
    operand: Any
    actual: Any
    result: Optional[bool]
    text: str


@dataclass
class Entry:
    kind: str  # question | item | material | field
    id: str
    status: str
    reason: str
    clauses: List[Clause] = field(default_factory=list)


@dataclass
class Trace:
    bundle_id: str
    entries: List[Entry]

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)

    def lines(self) -> List[str]:
        out = []
        for entry in self.entries:
            out.append(f"[{entry.kind}] {entry.id}: {entry.status} — {entry.reason}")
            out.extend(f"    · {clause.text}" for clause in entry.clauses)
        return out


def _clauses(cat: Catalogue, cb: CompiledBundle, condition: Optional[Condition], ctx: Context) -> List[Clause]:
    if condition is None:
        return []
    if isinstance(condition, AllOf):
        return [c for sub in condition.all for c in _clauses(cat, cb, sub, ctx)]
    if isinstance(condition, AnyOf):
        return [c for sub in condition.any for c in _clauses(cat, cb, sub, ctx)]
    if isinstance(condition, Not):
        return _clauses(cat, cb, condition.not_, ctx)
    return [_clause(cat, cb, condition, ctx)]


def _clause(cat: Catalogue, cb: CompiledBundle, cmp: Comparison, ctx: Context) -> Clause:
    result = compile_condition(cmp)(ctx)  # type: ignore[misc]
    words = cat.vocabulary.labels.get("explain", {})
    if cmp.answer is not None:
        question = cb.by_id[cmp.answer].question
        raw = ctx.answer(cmp.answer)
        actual = None if is_missing(raw) else raw
        shown = (
            words.get("unanswered", "?")
            if is_missing(raw)
            else words.get("not_applicable", "-")
            if raw is None
            else display_answer(cat, question, raw)
        )
        text = words.get("answer", "{question} = {value}").format(question=question.text, value=shown)
        subject = f"answer:{cmp.answer}"
    else:
        actual = ctx.facts.get(cmp.fact)
        text = words.get("fact", "{fact} = {value}").format(
            fact=cat.label("fact", cmp.fact), value=actual if actual is not None else "-"
        )
        subject = f"fact:{cmp.fact}"
    verdict = {True: words.get("holds", "✓"), False: words.get("fails", "✗"), None: words.get("open", "?")}[result]
    return Clause(subject, cmp.operator, cmp.operand, actual, result, f"{text} {verdict}")


def explain(cat: Catalogue, cb: CompiledBundle, state: State, outcome: Outcome, asked_next: Optional[str]) -> Trace:
    ctx = state.ctx
    reasons = cat.vocabulary.labels.get("reason", {})
    entries: List[Entry] = []
    for cq in cb.questions:
        if cq.id in state.na:
            status = "not_applicable"
        elif state.source.get(cq.id) == "fact":
            status = "answered_by_fact"
        elif cq.id in state.known:
            status = "answered"
        elif cq.id == asked_next:
            status = "asking"
        else:
            status = "not_needed"
        entries.append(
            Entry(
                "question",
                cq.id,
                status,
                reasons.get(f"question_{status}", cq.question.why),
                _clauses(cat, cb, cq.question.when, ctx),
            )
        )
    included = {line.item_id for line in outcome.items}
    for item, _ in cb.items:
        status = (
            "included" if item.id in included else "undecided" if item.id in outcome.undecided_items else "excluded"
        )
        entries.append(
            Entry("item", item.id, status, reasons.get(f"item_{status}", status), _clauses(cat, cb, item.when, ctx))
        )
    for line in outcome.materials:
        if line.status == "exempt":
            reason = reasons.get("material_exempt", "{licence}").format(licence=line.covered_by_name)
        elif line.status == "produced":
            reason = reasons.get("material_produced", "{item}").format(item=line.produced_by)
        else:
            reason = reasons.get(f"material_{line.status}", line.status)
        clauses: List[Clause] = []
        for use in cb.materials:
            if use.use.ref == line.material_id and use.item.id in line.used_by and use.use.when is not None:
                clauses.extend(_clauses(cat, cb, use.use.when, ctx))
        entries.append(Entry("material", line.material_id, line.status, reason, clauses))
    for fld in outcome.fields:
        reason = reasons.get(f"field_{fld.source or 'empty'}", fld.source or "")
        entries.append(Entry("field", fld.field_id, fld.source or "to_fill", reason))
    return Trace(cb.id, entries)
