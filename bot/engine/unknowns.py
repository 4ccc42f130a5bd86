"""What an answer of "不知道" leaves open: for each value it could have, what else would be
needed ("如果…，还需要…"), and the questions to confirm at the window."""

from __future__ import annotations

from typing import Any, List, Mapping, Set, Tuple

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.values import UNKNOWN
from bot.engine.compiled import CompiledBundle
from bot.engine.facts import Facts
from bot.engine.outcome import Conditional, Outcome, compute_outcome, display_answer
from bot.engine.questionnaire import resolve

_BRINGS = ("required", "deferrable", "commitment")


def unknown_questions(cb: CompiledBundle, answers: Mapping[str, Any], facts: Facts) -> List[str]:
    state = resolve(cb, answers, facts)
    return [cq.id for cq in cb.questions
            if state.source.get(cq.id) == "answer" and _is_unknown(state.known[cq.id])]


def conditionals(cat: Catalogue, cb: CompiledBundle, answers: Mapping[str, Any], facts: Facts,
                 base: Outcome) -> List[Conditional]:
    """One line per value of each unknown answer that would add items or materials."""
    lines: List[Conditional] = []
    have_items = {i.item_id for i in base.items}
    have_materials = {m.material_id for m in base.materials if m.status in _BRINGS}
    for qid in unknown_questions(cb, answers, facts):
        cq = cb.by_id[qid]
        question = cq.question
        probes = cb.representatives(cq, facts.today)
        per_value = question.kind in ("yesno", "single", "multi")
        pooled: Tuple[Set[str], Set[str]] = (set(), set())
        for value in probes:
            if question.kind == "multi" and not value:
                continue
            items, materials = _added(cat, cb, {**answers, qid: value}, facts, have_items, have_materials)
            if not per_value:
                pooled[0].update(items)
                pooled[1].update(materials)
                continue
            if items or materials:
                lines.append(Conditional(qid, question.text, value, display_answer(cat, question, value),
                                         items, sorted(materials)))
        if pooled[0] or pooled[1]:
            order = [i.id for i in cb.bundle.items]
            lines.append(Conditional(qid, question.text, None, "", sorted(pooled[0], key=order.index),
                                     sorted(pooled[1])))
    return lines


def _added(cat: Catalogue, cb: CompiledBundle, answers: Mapping[str, Any], facts: Facts,
           have_items: Set[str], have_materials: Set[str]) -> Tuple[List[str], List[str]]:
    probe = compute_outcome(cat, cb, resolve(cb, answers, facts), False)
    items = [i.item_id for i in probe.items if i.item_id not in have_items]
    materials = [m.material_id for m in probe.materials if m.status in _BRINGS and m.material_id not in have_materials]
    return items, materials


def _names(cat: Catalogue, cb: CompiledBundle, line: Conditional) -> List[str]:
    names = {i.id: i.name for i in cb.bundle.items}
    return [names[i] for i in line.items] + [cat.materials[m].name for m in line.materials]


def render(cat: Catalogue, cb: CompiledBundle, lines: List[Conditional], confirm: List[str]) -> List[str]:
    """The lines of the notice for unknown answers, worded by rules/vocabulary.yml."""
    fmt = lambda key: cat.label("format", key)  # noqa: E731
    joiner = fmt("things_joiner")
    out = []
    for line in lines:
        things = joiner.join(_names(cat, cb, line))
        key = "conditional_line" if line.value is not None else "conditional_open"
        out.append(fmt(key).format(question=line.question, value=line.display, things=things))
    out.extend(fmt("confirm_line").format(question=q) for q in confirm)
    return out


def _is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value == UNKNOWN
