"""Cross-file checks at load time: every reference resolves and every condition can be true."""

from __future__ import annotations

import re
from typing import Dict, Iterator, List, Optional, Tuple

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.conditions import Comparison, comparisons
from bot.catalogue.facts import FACTS
from bot.catalogue.model import Bundle, MaterialUse, Question
from bot.catalogue.problems import Problem
from bot.catalogue.values import InvalidAnswer, coerce_answer

# Attributes an identity profile offers as form sources (see bot/identity).
IDENTITY_ATTRS = {
    "name", "id_number", "phone", "gender", "birth_date", "address", "hukou_city",
    "enterprise_name", "credit_code", "legal_representative", "registered_address",
}

_NUMERIC = ("lt", "le", "gt", "ge")


def check_registries(cat: Catalogue, files: Dict[str, str], origins: Dict[str, str]) -> List[Problem]:
    found: List[Problem] = []
    if cat.service_centre not in cat.sites:
        found.append(Problem(files["departments"], "service_centre", f"unknown site {cat.service_centre!r}"))
    for dept in cat.departments.values():
        if dept.site not in cat.sites:
            found.append(Problem(files["departments"], f"departments[{dept.id}].site",
                                 f"unknown site {dept.site!r}; sites: {', '.join(cat.sites)}"))
    trips = cat.vocabulary.labels.get("trips", {})
    for key in ("0", "1", "many"):
        if key not in trips:
            found.append(Problem(files["vocabulary"], f"labels.trips.{key}",
                                 "missing: the notice says how many trips with labels 0, 1 and many ({n} places)"))
    for lic in cat.e_licences.values():
        if lic.issuer not in cat.departments:
            found.append(Problem(files["e_licences"], f"e_licences[{lic.id}].issuer",
                                 f"unknown department {lic.issuer!r}"))
    for mat in cat.materials.values():
        if mat.e_licence and mat.e_licence not in cat.e_licences:
            found.append(Problem(origins[f"materials:{mat.id}"], f"{mat.id}.e_licence",
                                 f"unknown e-licence type {mat.e_licence!r}"))
        if mat.issuer and mat.issuer not in cat.departments:
            found.append(Problem(origins[f"materials:{mat.id}"], f"{mat.id}.issuer",
                                 f"unknown department {mat.issuer!r}"))
    for fld in cat.fields.values():
        for n, src in enumerate(fld.sources):
            where = f"{fld.id}.sources[{n}]"
            if src.identity and src.identity not in IDENTITY_ATTRS:
                found.append(Problem(origins[f"fields:{fld.id}"], where + ".identity",
                                     f"unknown identity attribute {src.identity!r}; "
                                     f"known: {', '.join(sorted(IDENTITY_ATTRS))}"))
            if src.e_licence:
                lic = cat.e_licences.get(src.e_licence)
                if lic is None:
                    found.append(Problem(origins[f"fields:{fld.id}"], where + ".e_licence",
                                         f"unknown e-licence type {src.e_licence!r}"))
                elif src.field not in lic.fields:
                    found.append(Problem(origins[f"fields:{fld.id}"], where + ".field",
                                         f"e-licence {lic.id!r} has no field {src.field!r}"))
        if fld.pattern:
            try:
                re.compile(fld.pattern)
            except re.error as exc:
                found.append(Problem(origins[f"fields:{fld.id}"], f"{fld.id}.pattern",
                                     f"invalid regular expression: {exc}"))
    return found


def check_bundle(cat: Catalogue, bundle: Bundle, file: str, stem: str) -> List[Problem]:
    found: List[Problem] = []

    def add(path: str, message: str) -> None:
        found.append(Problem(file, path, message))

    if bundle.id != stem:
        add("id", f"id {bundle.id!r} must equal the file name stem {stem!r}")
    if bundle.lead_department not in cat.departments:
        add("lead_department", f"unknown department {bundle.lead_department!r}")
    category = cat.categories.get(bundle.category)
    if category is None:
        add("category", f"unknown category {bundle.category!r}")
    elif category.audience != bundle.audience:
        add("category", f"category {category.id!r} is for {category.audience}, "
                        f"the bundle for {bundle.audience}")

    questions = {q.id: q for q in bundle.questions}
    order = {q.id: n for n, q in enumerate(bundle.questions)}
    items = {i.id: i for i in bundle.items}

    for n, question in enumerate(bundle.questions):
        base = f"questions[{n}:{question.id}]"
        for path, message in _condition_problems(cat, question.when, questions, f"{base}.when",
                                                 before=order[question.id]):
            add(path, message)
        for k, extraction in enumerate(question.extract):
            try:
                re.compile(extraction.pattern)
            except re.error as exc:
                add(f"{base}.extract[{k}].pattern", f"invalid regular expression: {exc}")
            problem = _value_problem(question, extraction.value)
            if problem:
                add(f"{base}.extract[{k}].value", problem)
        for k, fact_answer in enumerate(question.answered_by):
            path = f"{base}.answered_by[{k}]"
            for cmp in comparisons(fact_answer.when):
                if cmp.answer is not None:
                    add(f"{path}.when", "answered_by reads facts only, not answers")
            for p, message in _condition_problems(cat, fact_answer.when, questions, path + ".when"):
                add(p, message)
            problem = _value_problem(question, fact_answer.value)
            if problem:
                add(f"{path}.value", problem)

    for n, item in enumerate(bundle.items):
        base = f"items[{n}:{item.id}]"
        if item.department not in cat.departments:
            add(f"{base}.department", f"unknown department {item.department!r}")
        if item.site is not None and item.site not in cat.sites:
            add(f"{base}.site", f"unknown site {item.site!r}; sites: {', '.join(cat.sites)}")
        for path, message in _condition_problems(cat, item.when, questions, f"{base}.when"):
            add(path, message)
        seen_materials = set()
        for k, use in enumerate(item.materials):
            path = f"{base}.materials[{k}:{use.ref}]"
            if use.ref not in cat.materials:
                add(f"{path}.ref", f"unknown material {use.ref!r}")
            if use.ref in seen_materials and use.when is None:
                add(f"{path}.ref", f"material {use.ref!r} is listed twice for this item")
            seen_materials.add(use.ref)
            if use.produced_by is not None:
                if use.produced_by not in items:
                    add(f"{path}.produced_by", f"unknown item {use.produced_by!r} in this bundle")
                elif use.produced_by == item.id:
                    add(f"{path}.produced_by", "an item cannot produce its own material")
            for p, message in _condition_problems(cat, use.when, questions, f"{path}.when"):
                add(p, message)
            for p, message in _holders_problems(cat, use, path):
                add(p, message)
        for k, use in enumerate(item.fields):
            path = f"{base}.fields[{k}:{use.ref}]"
            if use.ref not in cat.fields:
                add(f"{path}.ref", f"unknown form field {use.ref!r}")
            for p, message in _condition_problems(cat, use.when, questions, f"{path}.when"):
                add(p, message)

    for path, message in _per_use_conflicts(bundle):
        add(path, message)
    cycle = _produced_by_cycle(bundle)
    if cycle:
        add("items", "items produce each other's materials in a cycle: " + " → ".join(cycle))
    return found


def _holders_problems(cat: Catalogue, use: MaterialUse, path: str) -> Iterator[Tuple[str, str]]:
    """`holders` names the people who each bring their own copy (父母双方), shown before the
    material's name: it is for what the applicant brings, and it must not repeat the name."""
    if use.holders is None:
        return
    if use.produced_by is not None:
        yield f"{path}.holders", "a material produced inside the bundle is not brought, so it has no holders"
    material = cat.materials.get(use.ref)
    name = use.name or (material.name if material else "")
    tail = next((use.holders[-n:] for n in range(len(use.holders), 1, -1) if use.holders[-n:] in name), None)
    if tail:
        yield (f"{path}.holders", f"holders {use.holders!r} ends with {tail!r}, part of the material's name "
                                  f"{name!r}: name only the people (it is shown as holders + name)")
    if use.note and use.holders in use.note:
        yield f"{path}.note", f"the note repeats holders {use.holders!r}: say it once, in holders"


def _per_use_conflicts(bundle: Bundle) -> Iterator[Tuple[str, str]]:
    """One bundle shows one name for a material and one label and hint for a field: the notice
    and the form merge uses across items, so two wordings would be a coin toss."""
    first: Dict[Tuple[str, str, str], Tuple[str, str]] = {}
    for n, item in enumerate(bundle.items):
        uses = [("materials", k, use, ("name",)) for k, use in enumerate(item.materials)]
        uses += [("fields", k, use, ("label", "hint")) for k, use in enumerate(item.fields)]
        for what, k, use, attrs in uses:
            for attr in attrs:
                value = getattr(use, attr)
                if value is None:
                    continue
                seen = first.setdefault((what, use.ref, attr), (value, item.id))
                if seen[0] != value:
                    noun = "material" if what == "materials" else "field"
                    yield (f"items[{n}:{item.id}].{what}[{k}:{use.ref}].{attr}",
                           f"item {seen[1]!r} gives {noun} {use.ref!r} the {attr} {seen[0]!r}; "
                           f"every use in one bundle gives it the same {attr}")


def _produced_by_cycle(bundle: Bundle) -> Optional[List[str]]:
    needs: Dict[str, set] = {i.id: set() for i in bundle.items}
    for item in bundle.items:
        for use in item.materials:
            if use.produced_by in needs and use.produced_by != item.id:
                needs[item.id].add(use.produced_by)
    state: Dict[str, int] = {}

    def visit(node: str, trail: List[str]) -> Optional[List[str]]:
        state[node] = 1
        for nxt in sorted(needs[node]):
            if state.get(nxt) == 1:
                return trail + [node, nxt]
            if nxt not in state:
                found = visit(nxt, trail + [node])
                if found:
                    return found
        state[node] = 2
        return None

    for node in needs:
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def _value_problem(question: Question, value: object) -> Optional[str]:
    try:
        coerce_answer(question, value)
    except InvalidAnswer as exc:
        return f"impossible value {value!r} for {question.kind} question {question.id!r} ({exc.reason})"
    return None


def _condition_problems(
    cat: Catalogue, condition, questions: Dict[str, Question], path: str,
    before: Optional[int] = None,
) -> Iterator[Tuple[str, str]]:
    order = {qid: n for n, qid in enumerate(questions)}
    for cmp in comparisons(condition):
        if cmp.fact is not None:
            yield from _fact_problems(cat, cmp, path)
            continue
        question = questions.get(cmp.answer)
        if question is None:
            yield path, f"condition on unknown question {cmp.answer!r}"
            continue
        if before is not None and order[cmp.answer] >= before:
            yield path, (f"condition on question {cmp.answer!r}, which is not asked before this "
                         "one; questions may only depend on earlier questions")
        problem = _comparison_problem(question, cmp)
        if problem:
            yield path, problem


def _comparison_problem(question: Question, cmp: Comparison) -> Optional[str]:
    op, operand, kind = cmp.operator, cmp.operand, question.kind
    if op == "answered":
        return None
    if kind == "text":
        return f"a text question ({question.id!r}) can only be tested with `answered`"
    if kind == "date":
        if op not in _NUMERIC or not cmp.of:
            return f"a date question ({question.id!r}) is compared with `of` and lt/le/gt/ge"
        return None
    if cmp.of:
        return "`of` applies to date questions only"
    if kind == "multi":
        if op != "contains":
            return f"a multi question ({question.id!r}) is tested with `contains`"
        return _value_problem(question, [operand])
    if op == "contains":
        return f"`contains` applies to multi questions and list facts, not {kind} ({question.id!r})"
    values = operand if op in ("in", "not_in") else [operand]
    if op in _NUMERIC:
        if kind != "number":
            return f"{op} compares numbers; {question.id!r} is a {kind} question"
        return _range_problem(question, op, operand)
    for value in values:
        problem = _value_problem(question, value)
        if problem:
            return problem
    return None


def _range_problem(question: Question, op: str, bound: float) -> Optional[str]:
    lo, hi = question.min, question.max
    impossible = (
        (op == "lt" and lo is not None and bound <= lo)
        or (op == "le" and lo is not None and bound < lo)
        or (op == "gt" and hi is not None and bound >= hi)
        or (op == "ge" and hi is not None and bound > hi)
    )
    if impossible:
        return f"`{op}: {bound:g}` can never hold for {question.id!r} (range {lo}–{hi})"
    return None


def _fact_problems(cat: Catalogue, cmp: Comparison, path: str) -> Iterator[Tuple[str, str]]:
    spec = FACTS.get(cmp.fact)
    if spec is None:
        yield path, f"unknown fact {cmp.fact!r}; known facts: {', '.join(sorted(FACTS))}"
        return
    kind, op, operand = spec[0], cmp.operator, cmp.operand
    if cmp.fact == "e_licences":
        if op != "contains":
            yield path, "the e_licences fact is tested with `contains`"
        elif operand not in cat.e_licences:
            yield path, f"unknown e-licence type {operand!r}"
        return
    if kind is bool and op in ("is", "is_not") and not isinstance(operand, bool):
        yield path, f"fact {cmp.fact!r} is true or false, not {operand!r}"
    if kind is int and op in ("contains",):
        yield path, f"fact {cmp.fact!r} is a number"
    allowed = {"applicant_kind": {"person", "enterprise"}, "gender": {"male", "female"}}.get(cmp.fact)
    if allowed is not None:
        values = operand if op in ("in", "not_in") else [operand]
        bad = [v for v in values if v not in allowed]
        if bad:
            yield path, f"impossible value {bad[0]!r} for fact {cmp.fact!r}"
