"""A bundle added as a file routes from its own text (name, keywords, examples) with no NLU
examples and no training; its `not_examples` keep look-alike texts away from it; and it passes
its own case file, as a shipped bundle would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalogue import load_catalogue
from bot.catalogue.yaml_io import read_yaml
from bot.dialogue.steps.routing import shortlist
from bot.engine import Engine
from bot.engine.routing_examples import load_routing_examples
from tests.engine.pharmacy import BUNDLE, FIXTURE, ROOT, add_pharmacy, copy_rules
from tests.rules import test_cases as rule_cases  # a module, so pytest does not collect its tests here

CASES = FIXTURE / "cases" / "pharmacy_opening.yml"


def _engine(tmp: Path, bundle_text: str | None = None) -> Engine:
    root = copy_rules(tmp)
    add_pharmacy(root, bundle_text)
    return Engine(load_catalogue(root), load_routing_examples(ROOT / "data" / "nlu" / "bundles"))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return _engine(tmp_path_factory.mktemp("pharmacy"))


@pytest.fixture(scope="module")
def without_not_examples(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    text = BUNDLE.read_text(encoding="utf-8")
    start = text.index("  not_examples:\n")
    end = text.index("questions:\n")
    return _engine(tmp_path_factory.mktemp("pharmacy-plain"), text[:start] + text[end:])


def test_the_new_bundle_has_no_nlu_examples_of_its_own() -> None:
    assert "pharmacy_opening" not in load_routing_examples(ROOT / "data" / "nlu" / "bundles")


@pytest.mark.parametrize("text", ["想开个药店", "我想开一家药房", "开药店要什么手续"])
def test_a_need_for_the_new_bundle_is_confirmed_as_it(engine: Engine, text: str) -> None:
    confirm, shown = shortlist(engine.route(text, 3))
    assert (confirm, [c.bundle_id for c in shown]) == (True, ["pharmacy_opening"])


def test_a_need_worded_like_an_old_bundle_still_puts_the_new_one_first(engine: Engine) -> None:
    """药品经营许可证 shares most characters with the restaurant's 食品经营许可证: the new bundle
    leads, and the person may be offered both to choose from."""
    assert engine.route("办药品经营许可证需要啥", 3)[0].bundle_id == "pharmacy_opening"


def test_the_new_bundle_does_not_take_a_need_for_an_old_one(engine: Engine) -> None:
    assert engine.route("想开个饭店", 1)[0].bundle_id == "restaurant_opening"


@pytest.mark.parametrize("text", ["我想买点感冒药", "药店几点关门", "附近哪有药店"])
def test_a_text_like_a_not_example_is_not_routed_to_the_bundle(engine: Engine, text: str) -> None:
    assert "pharmacy_opening" not in [c.bundle_id for c in engine.route(text, 5)]


def test_without_its_not_examples_the_bundle_would_take_buying_medicine(without_not_examples: Engine) -> None:
    """What the not_examples prevent: buying cold medicine reads like a pharmacy need."""
    assert without_not_examples.route("我想买点感冒药", 1)[0].bundle_id == "pharmacy_opening"


def test_not_examples_leave_the_bundle_s_own_needs_alone(engine: Engine) -> None:
    assert engine.route("想开个药店，也卖感冒药", 1)[0].bundle_id == "pharmacy_opening"


def test_rules_route_shows_a_clerk_what_the_not_examples_keep_away(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    add_pharmacy(root)
    done = subprocess.run([sys.executable, "-m", "bot", "rules", "--rules", str(root), "route", "我想买点感冒药"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "kept away by not_examples: pharmacy_opening")


def test_rules_route_lists_the_new_bundle_first_for_its_need(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    add_pharmacy(root)
    done = subprocess.run([sys.executable, "-m", "bot", "rules", "--rules", str(root), "route", "想开个药店"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[0].split()[1:3] == ["pharmacy_opening", "开办药店一件事"]


@pytest.mark.parametrize("case", read_yaml(CASES)["cases"], ids=lambda case: case["name"])
def test_the_new_bundle_passes_its_own_case_file(engine: Engine, case: dict) -> None:
    rule_cases.test_case(engine, "pharmacy_opening", case)
