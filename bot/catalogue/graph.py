"""`python -m bot rules graph <id>`: the questionnaire as a Mermaid or Graphviz graph."""

from __future__ import annotations

from datetime import date
from typing import Dict, Set, Tuple

from bot.catalogue.catalogue import Catalogue
from bot.engine.engine import Engine
from bot.engine.facts import anonymous
from bot.engine.outcome import display_answer
from bot.engine.paths import full_domain
from bot.engine.questionnaire import clean_answers, next_step

END = "done"


def transitions(cat: Catalogue, bundle_id: str, today: date | None = None) -> Set[Tuple[str, str, str]]:
    """(question, answer label, next question or `done`) over every answer path."""
    engine = Engine(cat)
    cb = engine.compiled(bundle_id)
    facts = anonymous(today)
    edges: Set[Tuple[str, str, str]] = set()
    seen: Set[Tuple] = set()

    def visit(answers: Dict) -> None:
        key = tuple(sorted((k, repr(v)) for k, v in answers.items()))
        if key in seen:
            return
        seen.add(key)
        step = next_step(cb, answers, facts)
        if step.done:
            return
        cq = cb.by_id[step.question.id]
        for value in full_domain(cb, cq, facts):
            nxt = clean_answers(cb, {**answers, cq.id: value}, facts)
            after = next_step(cb, nxt, facts)
            label = display_answer(cat, cq.question, value)
            edges.add((cq.id, label, after.question.id if after.question else END))
            visit(nxt)

    visit({})
    return edges


def to_mermaid(cat: Catalogue, bundle_id: str) -> str:
    bundle = cat.bundle(bundle_id)
    lines = ["flowchart TD", f'    start(["{bundle.name}"])']
    questions = {q.id: q for q in bundle.questions}
    edges = transitions(cat, bundle_id)
    first = next((q.id for q in bundle.questions if any(e[0] == q.id for e in edges)), END)
    for q in bundle.questions:
        lines.append(f'    {q.id}{{"{q.text}"}}')
    lines.append(f'    {END}(["{cat.label("tools", "done")}"])')
    lines.append(f"    start --> {first}")
    for source, label, target in sorted(edges):
        if source in questions:
            lines.append(f'    {source} -- "{label}" --> {target}')
    return "\n".join(lines) + "\n"


def to_dot(cat: Catalogue, bundle_id: str) -> str:
    bundle = cat.bundle(bundle_id)
    lines = [f'digraph "{bundle_id}" {{', "  rankdir=TB;", '  node [shape=box, fontname="sans-serif"];']
    for q in bundle.questions:
        lines.append(f'  {q.id} [label="{q.text}"];')
    lines.append(f'  {END} [shape=oval, label="{cat.label("tools", "done")}"];')
    for source, label, target in sorted(transitions(cat, bundle_id)):
        lines.append(f'  {source} -> {target} [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
