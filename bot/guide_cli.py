"""`python -m bot guide <id>`: walk a questionnaire in the terminal, then print notice and form."""

from __future__ import annotations

import sys
from typing import Dict, Optional, TextIO

from bot.catalogue.catalogue import Catalogue
from bot.engine.engine import Engine
from bot.engine.facts import anonymous
from bot.engine.interpret import NotUnderstood
from bot.engine.wording import copies_label, material_name, trips_label


def guide(cat: Catalogue, bundle_id: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
          explain: bool = False) -> Optional[Dict]:
    engine = Engine(cat)
    bundle = engine.bundle(bundle_id)
    facts = anonymous()
    answers: Dict = {}
    write = stdout.write
    write(f"== {bundle.name} ==\n{bundle.description}\n\n")
    while True:
        step = engine.next_question(bundle_id, answers, facts)
        if step.done:
            break
        q = step.question
        write(f"[{step.progress.answered + 1}/{step.progress.answered + step.progress.remaining_max}] {q.text}\n")
        for n, option in enumerate(q.options, 1):
            write(f"  {n}. {option.label}\n")
        write(f"  ({q.why})\n> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            return None
        result = engine.interpret(bundle_id, q.id, line, facts.today)
        if isinstance(result, NotUnderstood):
            labels = " / ".join(label for _, label in result.options)
            write(f"  ?? {result.reason}{': ' + labels if labels else ''}\n\n")
            continue
        answers = engine.set_answer(bundle_id, answers, q.id, result.value, facts)
        write("\n")
    outcome = engine.outcome(bundle_id, answers, facts)
    label = cat.label
    write(f"\n== {outcome.bundle_name} ==\n")
    for item in outcome.items:
        write(f"- {item.name} | {item.department_name} | {label('handling_mode', item.handling_mode)}"
              f" | {item.promised_days}d\n")
    s = outcome.summary
    write(f"\nmaterials: {s.before} → {s.after} (exempt {s.exempt}, produced {s.produced}); "
          f"{trips_label(cat, s.trips)}; {s.time_limit_days}d\n")
    for site in s.sites:
        write(f"@ {site.name} | {site.address} | {site.hours}\n")
    for m in outcome.materials:
        write(f"- {material_name(cat, m)} {copies_label(cat, m)}"
              f" [{label('status', m.status)}{': ' + m.covered_by_name if m.covered_by_name else ''}]\n")
    write(f"\nform (prefilled {outcome.prefill_ratio:.0%}):\n")
    for f in outcome.fields:
        write(f"- {f.label}: {f.display or '____'}{' (' + label('source', f.source) + ')' if f.source else ''}\n")
    if explain:
        write("\n" + "\n".join(engine.explain(bundle_id, answers, facts).lines()) + "\n")
    return answers
