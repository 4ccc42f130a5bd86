"""Every reachable answer path of every bundle: terminates, yields items, asks nothing useless."""

from __future__ import annotations

from datetime import date

import pytest

from bot.catalogue import Catalogue
from bot.catalogue.lint import lint_facts
from bot.engine import Engine
from bot.engine.paths import PathReport, walk

TODAY = date(2026, 11, 21)


def _walks(catalogue: Catalogue, engine: Engine, bundle_id: str) -> PathReport:
    report = PathReport(bundle_id)
    for facts in lint_facts(catalogue, TODAY):
        walk(catalogue, engine.compiled(bundle_id), facts, report=report)
    return report


@pytest.fixture(scope="module")
def reports(catalogue: Catalogue, engine: Engine) -> dict:
    return {b: _walks(catalogue, engine, b) for b in catalogue.bundles}


def test_every_path_ends_with_items_and_without_repeats_or_useless_questions(reports: dict) -> None:
    findings = [f"{f.bundle_id}:{f.where}: {f.message}" for r in reports.values() for f in r.findings]
    assert findings == []


def test_every_bundle_has_at_least_one_path(reports: dict) -> None:
    assert [b for b, r in reports.items() if r.paths == 0] == []


def test_every_question_is_asked_on_some_path(reports: dict, catalogue: Catalogue) -> None:
    never = [f"{b}.{q.id}" for b, bundle in catalogue.bundles.items()
             for q in bundle.questions if q.id not in reports[b].asked]
    assert never == []


def test_every_item_applies_on_some_path(reports: dict, catalogue: Catalogue) -> None:
    never = [f"{b}.{i.id}" for b, bundle in catalogue.bundles.items()
             for i in bundle.items if i.id not in reports[b].items]
    assert never == []
