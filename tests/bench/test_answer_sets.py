"""The free-answer benchmark's people (bench/data/answers) still fit the catalogue: a rules edit
that adds or drops a question shows up here, not as a benchmark that stops half-way."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from bench.answers import DATA, _button_run, _facts
from bot.catalogue import Catalogue
from bot.engine import Engine

SETS = sorted(DATA.glob("*.yml"))


def _people(path: Path) -> List[Dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["people"]


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_every_reply_in_a_set_answers_a_question_of_its_bundle(path: Path, catalogue: Catalogue) -> None:
    bundle = catalogue.bundles[yaml.safe_load(path.read_text(encoding="utf-8"))["bundle"]]
    asked = {q.id for q in bundle.questions}
    assert [(p["name"], sorted(set(p["replies"]) - asked)) for p in _people(path)
            if set(p["replies"]) - asked] == []


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_every_question_a_person_is_asked_has_their_reply(path: Path, engine: Engine) -> None:
    bundle_id = yaml.safe_load(path.read_text(encoding="utf-8"))["bundle"]
    missing = []
    for person in _people(path):
        try:
            _button_run(engine, bundle_id, person, _facts(person.get("facts")))
        except KeyError as gap:
            missing.append(str(gap))
    assert missing == []
