"""Catalogue-wide linter rules: one code per item name, government proofs shared or justified.

The code goes to the application API with every application; a government proof demanded on
paper goes against 减证便民 unless the registry says why."""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, List, Set, Tuple

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.problems import Problem, relative

PROOF_KINDS = ("licence", "certificate")  # forms and other papers are the applicant's own


def item_code_problems(cat: Catalogue) -> List[Problem]:
    """事项编码 ↔ 事项名称 one to one: the code goes to the application API, which files the
    application under it, so one code for two items (or two codes for one) misfiles it."""
    names: Dict[str, Dict[str, List[Tuple[str, int, str]]]] = defaultdict(lambda: defaultdict(list))
    codes: Dict[str, Dict[str, List[Tuple[str, int, str]]]] = defaultdict(lambda: defaultdict(list))
    for bundle_id in cat.summaries:
        for n, item in enumerate(cat.bundle(bundle_id).items):
            where = (bundle_id, n, item.id)
            names[item.code][item.name].append(where)
            codes[item.name][item.code].append(where)
    problems: List[Problem] = []
    for code, by_name in names.items():
        if len(by_name) > 1:
            problems.extend(_clash(cat, by_name, f"item code {code!r} names different items"))
    for name, by_code in codes.items():
        if len(by_code) > 1:
            problems.extend(_clash(cat, by_code, f"item {name!r} has different codes"))
    return sorted(set(problems), key=lambda p: (p.file, p.path, p.message))


def _clash(cat: Catalogue, groups: Dict[str, List[Tuple[str, int, str]]], headline: str) -> List[Problem]:
    """One line per use, naming every other variant and where it is, so the clerk can fix either."""
    out = []
    for value, places in groups.items():
        others = "; ".join(
            f"{other!r} in {', '.join(f'{b}.{i}' for b, _, i in sorted(elsewhere))}"
            for other, elsewhere in sorted(groups.items()) if other != value
        )
        for bundle_id, n, item_id in places:
            out.append(Problem(relative(cat.files[bundle_id], cat.root), f"items[{n}:{item_id}].code",
                               f"{headline}: {value!r} here, {others}. One code names one item "
                               "everywhere: give one of them its own code, or the same name"))
    return out


def proof_problems(cat: Catalogue) -> List[Problem]:
    """减证便民: a licence or certificate issued by a government body is not demanded on paper
    unless the registry says why."""
    used: Set[str] = {use.ref for b in cat.summaries for item in cat.bundle(b).items for use in item.materials}
    problems = []
    for material in cat.materials.values():
        department = cat.departments.get(material.issuer or "")
        if material.id not in used or department is None or not department.government:
            continue
        if material.kind not in PROOF_KINDS:
            continue
        if material.e_licence or material.shared_data or material.paper_reason:
            continue
        problems.append(Problem(
            cat.origins.get(f"materials:{material.id}", "rules/materials"), material.id,
            f"{material.name} is issued by {department.name} but is demanded on paper: link it to an "
            "`e_licence`, say which `shared_data` the department reads instead, or give the "
            "`paper_reason` it must still be brought"))
    return problems
