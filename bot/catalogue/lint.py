"""`python -m bot rules check`: load errors, what only walking every answer path reveals, and the
catalogue-wide rules of bot/catalogue/consistency.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import List

from bot import clock
from bot.catalogue.catalogue import Catalogue
from bot.catalogue.consistency import item_code_problems, proof_problems
from bot.catalogue.loader import load_catalogue
from bot.catalogue.locate import with_lines
from bot.catalogue.problems import CatalogueError, Problem, relative

# Below this many routing examples a bundle with no NLU examples in data/ routes poorly.
FEW_EXAMPLES = 8


def lint_facts(cat: Catalogue, today: date):
    """Two people to walk each bundle with: an anonymous one and one the government knows well."""
    from bot.engine.facts import Facts, anonymous

    everything = {lic: {f: "x" for f in spec.fields} for lic, spec in cat.e_licences.items()}
    known = Facts(
        values={"logged_in": True, "applicant_kind": "person", "e_licences": sorted(everything),
                "age": 40, "gender": "female", "hukou_local": True},
        identity={}, licences=everything, today=today,
    )
    return [anonymous(today), known]


def lint_catalogue(cat: Catalogue, today: date | None = None) -> List[Problem]:
    from bot.engine.engine import Engine
    from bot.engine.paths import PathReport, TooManyPaths, walk

    today = today or clock.today()
    engine = Engine(cat)
    problems: List[Problem] = []
    used_materials, used_fields = set(), set()
    used_sites = {cat.service_centre} | {d.site for d in cat.departments.values()}
    for bundle_id, bundle in cat.bundles.items():
        file = relative(cat.files[bundle_id], cat.root)
        report = PathReport(bundle_id)
        same_options = None
        try:
            for facts in lint_facts(cat, today):
                report.option_checked = set()
                report.same_options = {}
                walk(cat, engine.compiled(bundle_id), facts, report=report)
                same_options = _intersect(same_options, report.same_options)
        except TooManyPaths as exc:
            problems.append(Problem(file, "questions", str(exc)))
            continue
        seen = set()
        for finding in report.findings:
            key = (finding.where, finding.message)
            if key not in seen:
                seen.add(key)
                problems.append(Problem(file, finding.where, finding.message))
        for question in bundle.questions:
            if question.id not in report.asked:
                problems.append(Problem(file, f"questions[{question.id}]",
                                        "never asked: on no answer path can it change the outcome"))
        for qid, pairs in (same_options or {}).items():
            for pair in sorted(tuple(sorted(p)) for p in pairs):
                problems.append(Problem(file, f"questions[{qid}].options",
                                        f"options {pair[0]!r} and {pair[1]!r} lead to the same outcome "
                                        "on every path; merge them or make them differ"))
        for item in bundle.items:
            used_sites.add(item.site)
            if item.id not in report.items:
                problems.append(Problem(file, f"items[{item.id}]", "unreachable: applies on no answer path"))
                continue
            for use in item.materials:
                used_materials.add(use.ref)
                if (item.id, use.ref) not in report.material_uses:
                    problems.append(Problem(file, f"items[{item.id}].materials[{use.ref}]",
                                            "unreachable: required on no answer path"))
            for use in item.fields:
                used_fields.add(use.ref)
                if (item.id, use.ref) not in report.field_uses:
                    problems.append(Problem(file, f"items[{item.id}].fields[{use.ref}]",
                                            "unreachable: on the form on no answer path"))
    for bundle_id, summary in cat.summaries.items():
        if len(summary.examples) < FEW_EXAMPLES:
            problems.append(Problem(
                relative(cat.files[bundle_id], cat.root), "routing.examples",
                f"only {len(summary.examples)} examples: a bundle routes on its own file's wording, so give "
                f"{FEW_EXAMPLES} or more ways people really say this need", "warning"))
    problems.extend(item_code_problems(cat))
    problems.extend(proof_problems(cat))
    for material_id in sorted(set(cat.materials) - used_materials):
        problems.append(Problem("rules/materials", material_id, "registered but used by no bundle", "warning"))
    for site_id in sorted(set(cat.sites) - used_sites):
        problems.append(Problem("rules/departments.yml", f"sites[{site_id}]",
                                "no department or item is handled there", "warning"))
    for field_id in sorted(set(cat.fields) - used_fields):
        problems.append(Problem("rules/fields", field_id, "registered but used by no bundle", "warning"))
    return with_lines(problems, cat.root)


def _intersect(a, b):
    """Option pairs alike on every walk that asked the question (walks differ in facts)."""
    out = dict(a or {})
    for qid, pairs in b.items():
        out[qid] = out[qid] & pairs if qid in out else set(pairs)
    return out


def check(root: Path, today: date | None = None) -> List[Problem]:
    try:
        cat = load_catalogue(root)
    except CatalogueError as exc:
        return exc.problems
    return lint_catalogue(cat, today) + _desk_problems(root)


def _desk_problems(root: Path) -> List[Problem]:
    """rules/desk.yml (the agent desk's hours, time limits, replies) when the folder has one."""
    if not (root / "desk.yml").is_file():
        return []
    from bot.desk.rules import load_desk_rules

    try:
        load_desk_rules(root)
    except CatalogueError as exc:
        return exc.problems
    return []
