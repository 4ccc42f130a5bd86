"""Runs every OpenFisca-style case file `tests/rules/<bundle id>.yml` against the engine.

An answer written `unknown` is the person's "不知道"; `to_confirm` lists the questions the notice
asks to confirm at the window, and each `conditional` entry names an answer value (`if`) and
items or materials that value would add (`adds`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from bot.catalogue.yaml_io import read_yaml
from bot.engine import UNKNOWN, Engine, Facts
from bot.engine.outcome import Outcome

CASES_DIR = Path(__file__).parent
TODAY = date(2026, 11, 21)


def _cases() -> List[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        data = read_yaml(path)  # refuses a key given twice, which safe_load would silently drop
        for case in data["cases"]:
            params.append(pytest.param(data["bundle"], case, id=f"{path.stem}: {case['name']}"))
    return params


def facts_of(spec: Dict[str, Any], today: date) -> Facts:
    spec = dict(spec or {})
    licences = {lic: dict(fields or {}) for lic, fields in (spec.pop("licences", {}) or {}).items()}
    for lic in spec.get("e_licences", []):
        licences.setdefault(lic, {})
    identity = spec.pop("identity", {}) or {}
    spec["e_licences"] = sorted(set(spec.get("e_licences", [])) | set(licences))
    values = {"logged_in": bool(identity or licences), **spec}
    return Facts(values=values, identity=identity, licences=licences, today=today)


def _status(outcome: Outcome) -> Dict[str, str]:
    return {m.material_id: m.status for m in outcome.materials}


def test_every_bundle_has_a_case_file(engine: Engine) -> None:
    missing = [b for b in engine.catalogue.bundles if not (CASES_DIR / f"{b}.yml").is_file()]
    assert missing == []


def test_every_case_file_has_three_cases(engine: Engine) -> None:
    thin = []
    for path in CASES_DIR.glob("*.yml"):
        if len(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]) < 3:
            thin.append(path.stem)
    assert thin == []


@pytest.mark.parametrize("bundle_id, case", _cases())
def test_case(engine: Engine, bundle_id: str, case: Dict[str, Any]) -> None:
    today = date.fromisoformat(str(case["today"])) if "today" in case else TODAY
    facts = facts_of(case.get("facts"), today)
    answers = {}
    for qid, value in (case.get("answers") or {}).items():
        answers = engine.set_answer(bundle_id, answers, qid, UNKNOWN if value == "unknown" else value, facts)
    expect = case["expect"]
    step = engine.next_question(bundle_id, answers, facts)
    if "asks" in expect:
        assert (step.question.id if step.question else None) == expect["asks"]
    if expect.get("done"):
        assert step.done, f"still asks {step.question.id if step.question else None}"
    outcome = engine.outcome(bundle_id, answers, facts)
    items = {i.item_id for i in outcome.items}
    status = _status(outcome)
    fields = {f.field_id: f for f in outcome.fields}
    problems = []
    for item in expect.get("items_include", []):
        if item not in items:
            problems.append(f"item {item} missing (have {sorted(items)})")
    for item in expect.get("items_exclude", []):
        if item in items:
            problems.append(f"item {item} should not apply")
    for wanted in ("required", "exempt", "produced", "deferrable", "commitment"):
        for material in expect.get(wanted, []):
            if status.get(material) != wanted:
                problems.append(f"material {material}: {status.get(material, 'absent')}, expected {wanted}")
    for material in expect.get("absent", []):
        if material in status:
            problems.append(f"material {material} should be absent, is {status[material]}")
    for field_id in expect.get("prefilled", []):
        if field_id not in fields or not fields[field_id].source:
            problems.append(f"field {field_id} not prefilled")
    for field_id in expect.get("fields_absent", []):
        if field_id in fields:
            problems.append(f"field {field_id} should not be on the form")
    departments = {i.item_id: i.department for i in outcome.items}
    for item, department in (expect.get("item_departments") or {}).items():
        if departments.get(item) != department:
            problems.append(f"item {item} is handled by {departments.get(item)!r}, expected {department!r}")
    codes = {i.item_id: i.code for i in outcome.items}
    for item, code in (expect.get("item_codes") or {}).items():
        if codes.get(item) != code:
            problems.append(f"item {item} has code {codes.get(item)!r}, expected {code!r}")
    names = {m.material_id: m.name for m in outcome.materials}
    for material, name in (expect.get("material_names") or {}).items():
        if names.get(material) != name:
            problems.append(f"material {material} is called {names.get(material)!r}, expected {name!r}")
    for field_id, label in (expect.get("field_labels") or {}).items():
        if field_id not in fields or fields[field_id].label != label:
            problems.append(f"field {field_id} is labelled {getattr(fields.get(field_id), 'label', None)!r}")
    if "trips" in expect and outcome.summary.trips != expect["trips"]:
        problems.append(f"trips {outcome.summary.trips}, expected {expect['trips']}")
    sites = [s.site_id for s in outcome.summary.sites]
    if "sites" in expect and sites != expect["sites"]:
        problems.append(f"goes to {sites}, expected {expect['sites']}")
    for qid in expect.get("not_asked", []):
        if step.question and step.question.id == qid:
            problems.append(f"asks {qid}")
    if "to_confirm" in expect and outcome.to_confirm != expect["to_confirm"]:
        problems.append(f"to confirm {outcome.to_confirm}, expected {expect['to_confirm']}")
    for wanted in expect.get("conditional", []):
        (qid, value), = wanted["if"].items()
        lines = [c for c in outcome.conditional if c.question_id == qid and c.value == value]
        added = {x for c in lines for x in (*c.items, *c.materials)}
        if not lines or set(wanted["adds"]) - added:
            problems.append(f"if {qid}={value!r}: adds {sorted(added)}, expected {wanted['adds']}")
    assert problems == []
