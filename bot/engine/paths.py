"""Walks every reachable answer path of a bundle and checks the questionnaire's invariants."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

from bot.catalogue.catalogue import Catalogue
from bot.engine.compiled import CompiledBundle, CompiledQuestion
from bot.engine.evaluate import holds
from bot.engine.facts import Facts
from bot.engine.outcome import Outcome, compute_outcome, display_answer
from bot.engine.questionnaire import clean_answers, next_step, resolve

Signature = Tuple[Any, ...]


def signature(outcome: Outcome) -> Signature:
    return (
        tuple(i.item_id for i in outcome.items),
        tuple((m.material_id, m.status, m.copies, m.original) for m in outcome.materials),
        tuple((f.field_id, f.value, f.source, f.required) for f in outcome.fields),
    )


def full_domain(cb: CompiledBundle, cq: CompiledQuestion, facts: Facts) -> List[Any]:
    q = cq.question
    if q.kind == "multi":
        values = [o.value for o in q.options]
        if len(values) <= 4:
            return [list(c) for r in range(len(values) + 1) for c in combinations(values, r)]
        # None, each one alone, every one: enough for every `contains` condition to be both true
        # and false, without multiplying a bundle's paths by 32 (five 过户 options) or more.
        return [[]] + [[v] for v in values] + [values]
    if q.kind == "text":
        return ["示例"]
    return cb.representatives(cq, facts.today)


@dataclass
class Finding:
    bundle_id: str
    where: str
    message: str


@dataclass
class PathReport:
    bundle_id: str
    paths: int = 0
    asked: Set[str] = field(default_factory=set)
    items: Set[str] = field(default_factory=set)
    materials: Set[str] = field(default_factory=set)
    fields: Set[str] = field(default_factory=set)
    material_uses: Set[Tuple[str, str]] = field(default_factory=set)
    field_uses: Set[Tuple[str, str]] = field(default_factory=set)
    findings: List[Finding] = field(default_factory=list)
    # question id → option pairs that never led to different outcomes where it was asked
    same_options: Dict[str, Set[FrozenSet[str]]] = field(default_factory=dict)
    option_checked: Set[str] = field(default_factory=set)


class TooManyPaths(RuntimeError):
    pass


def walk(cat: Catalogue, cb: CompiledBundle, facts: Facts, max_paths: int = 200_000,
         report: Optional[PathReport] = None) -> PathReport:
    report = report or PathReport(cb.id)
    _walk(cat, cb, facts, {}, [], report, max_paths)
    return report


def _walk(cat: Catalogue, cb: CompiledBundle, facts: Facts, answers: Dict[str, Any],
          asked: List[str], report: PathReport, max_paths: int) -> FrozenSet[Signature]:
    step = next_step(cb, answers, facts)
    if step.done:
        report.paths += 1
        if report.paths > max_paths:
            raise TooManyPaths(f"{cb.id}: more than {max_paths} answer paths")
        state = resolve(cb, answers, facts)
        outcome = compute_outcome(cat, cb, state, True)
        _check_leaf(cat, cb, outcome, answers, asked, report)
        applicable = set(outcome.items and [i.item_id for i in outcome.items])
        for use in cb.fields:
            if use.item.id in applicable and holds(use.applies, state.ctx) is True:
                report.field_uses.add((use.item.id, use.use.ref))
        return frozenset([signature(outcome)])
    question = step.question
    assert question is not None
    if question.id in asked:
        report.findings.append(Finding(cb.id, f"questions[{question.id}]",
                                       f"asked twice on the path {' → '.join(asked)}"))
        return frozenset()
    if len(asked) > len(cb.questions):
        report.findings.append(Finding(cb.id, "questions", "the questionnaire does not terminate"))
        return frozenset()
    report.asked.add(question.id)
    cq = cb.by_id[question.id]
    per_value: List[Tuple[str, FrozenSet[Signature]]] = []
    for value in full_domain(cb, cq, facts):
        nxt = clean_answers(cb, {**answers, question.id: value}, facts)
        per_value.append((repr(value), _walk(cat, cb, facts, nxt, asked + [question.id], report, max_paths)))
    outcomes = {s for _, s in per_value}
    if len(outcomes) == 1 and not cq.fills:
        report.findings.append(Finding(
            cb.id, f"questions[{question.id}]",
            "asked although no answer to it can change the outcome "
            f"(after {', '.join(asked) or 'no answers'})"))
    if question.kind in ("single", "multi"):
        _record_same_options(question.id, cq, per_value, report)
    return frozenset().union(*outcomes) if outcomes else frozenset()


def _record_same_options(qid: str, cq: CompiledQuestion, per_value: List[Tuple[str, FrozenSet[Signature]]],
                         report: PathReport) -> None:
    if cq.question.kind != "single":
        return
    results = {cq.question.options[n].value: s for n, (_, s) in enumerate(per_value)}
    same = {frozenset((a, b)) for a, b in combinations(results, 2) if results[a] == results[b]}
    if qid in report.option_checked:
        report.same_options[qid] &= same
    else:
        report.option_checked.add(qid)
        report.same_options[qid] = same


def _check_leaf(cat: Catalogue, cb: CompiledBundle, outcome: Outcome, answers: Dict[str, Any],
                asked: List[str], report: PathReport) -> None:
    where = " → ".join(asked) or "no questions"
    if not outcome.items:
        said = ", ".join(f"{qid} = {display_answer(cat, cb.by_id[qid].question, answers[qid])}"
                         for qid in asked if qid in answers) or "before any question"
        report.findings.append(Finding(
            cb.id, "items",
            f"no item applies when the answers are {said}: this person would be told there is nothing "
            "to do. Give every answer path at least one item (an item without `when`, or widen a `when`)"))
    ids = [m.material_id for m in outcome.materials]
    if len(ids) != len(set(ids)):
        report.findings.append(Finding(cb.id, "materials", f"a material is listed twice on the path {where}"))
    report.items.update(i.item_id for i in outcome.items)
    report.materials.update(ids)
    report.material_uses.update((item, m.material_id) for m in outcome.materials for item in m.used_by)
    report.fields.update(f.field_id for f in outcome.fields)
