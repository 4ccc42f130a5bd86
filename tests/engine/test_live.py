"""bot/engine/live.py: edits to a rules folder go live in a running process, all or nothing.
Each test works on its own copy of rules/ and drives the watcher by hand (`poll`, `reload`),
except the one that lets the watcher thread find a new bundle on its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.catalogue.watch import RulesStatus
from bot.engine import anonymous
from bot.engine.live import LiveEngine
from tests.engine.pharmacy import BUNDLE, MATERIALS, ROOT, add_pharmacy, copy_rules

TEXT = "想开个药店"


def top(live: LiveEngine, text: str = TEXT):
    found = live.route(text, 1)
    return found[0].bundle_id if found else None


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_rules(tmp_path)


@pytest.fixture
def live(root: Path, tmp_path: Path) -> LiveEngine:
    return LiveEngine(root, tmp_path / "cache", status_dir=tmp_path / "var" / "rules-status", service="test",
                      poll_s=0.05, quiet_s=0.05)


def settle(live: LiveEngine, seconds: float = 0.2):
    """Poll as the watcher would until a load is attempted (files changed, then stood still)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        attempt = live.poll()
        if attempt is not None:
            return attempt
        time.sleep(seconds / 4)
    raise AssertionError("no reload was attempted")


# -- a new bundle ----------------------------------------------------------------------------

def test_before_the_bundle_is_added_a_pharmacy_need_finds_no_pharmacy(live: LiveEngine) -> None:
    assert top(live) != "pharmacy_opening"


def test_an_added_bundle_routes_after_one_reload(live: LiveEngine, root: Path) -> None:
    add_pharmacy(root)
    attempt = settle(live)
    assert (attempt.ok, top(live)) == (True, "pharmacy_opening")


def test_the_reload_reports_which_files_changed(live: LiveEngine, root: Path) -> None:
    add_pharmacy(root)
    assert settle(live).files == ["bundles/pharmacy_opening.yml", "materials/pharmacy.yml"]


def test_an_added_bundle_runs_to_its_notice(live: LiveEngine, root: Path) -> None:
    add_pharmacy(root)
    settle(live)
    facts = anonymous()
    answers = {}
    while (step := live.next_question("pharmacy_opening", answers, facts)).question:
        question = step.question
        value = False if question.kind == "yesno" else question.options[0].value
        answers = live.set_answer("pharmacy_opening", answers, question.id, value, facts)
    outcome = live.outcome("pharmacy_opening", answers, facts)
    names = {m.material_id: m.name for m in outcome.materials}
    assert (outcome.complete, names["staff_health_certificates"]) == (True, "直接接触药品的工作人员健康证明")


def test_the_watcher_thread_finds_a_new_bundle_by_itself(live: LiveEngine, root: Path) -> None:
    live.start()
    try:
        add_pharmacy(root)
        saved = time.monotonic()
        while top(live) != "pharmacy_opening" and time.monotonic() - saved < 5:
            time.sleep(0.05)
        assert top(live) == "pharmacy_opening"
    finally:
        live.stop()


def test_a_change_is_not_loaded_while_the_files_are_still_moving(live: LiveEngine, root: Path) -> None:
    add_pharmacy(root)
    assert live.poll(now=100.0) is None  # first sight of the change: wait for it to stand still


# -- bad edits: the old catalogue keeps serving ----------------------------------------------

def _broken(live: LiveEngine, root: Path, text: str, name: str = BUNDLE.name):
    (root / "materials" / MATERIALS.name).write_text(MATERIALS.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "bundles" / name).write_text(text, encoding="utf-8")
    return settle(live)


def test_a_half_saved_file_is_refused_and_the_old_catalogue_keeps_serving(live: LiveEngine, root: Path) -> None:
    text = BUNDLE.read_text(encoding="utf-8")
    attempt = _broken(live, root, text[: text.index("items:")])
    assert (attempt.ok, [(p["path"], p["message"]) for p in attempt.problems]) == (False, [("items", "field required")])
    assert ("pharmacy_opening" in live.catalogue.summaries, top(live, "孩子刚出生要办什么")) == (False, "newborn")


def test_a_syntax_error_names_the_file_and_the_line(live: LiveEngine, root: Path) -> None:
    text = BUNDLE.read_text(encoding="utf-8").replace("name: 开办药店一件事\n", "name: [开办药店一件事\n")
    line = text.splitlines().index("name: [开办药店一件事") + 2  # libyaml notices at the next key
    problem = _broken(live, root, text).problems[0]
    assert (problem["file"], problem["line"], problem["message"].startswith("invalid YAML")) == (
        "rules/bundles/pharmacy_opening.yml", line, True)


def test_a_refused_change_leaves_the_routing_as_it_was(live: LiveEngine, root: Path) -> None:
    before = [c.bundle_id for c in live.route("开个饭店要办什么证", 3)]
    _broken(live, root, "id: [broken\n")
    assert [c.bundle_id for c in live.route("开个饭店要办什么证", 3)] == before


def test_a_duplicate_bundle_id_is_refused(live: LiveEngine, root: Path) -> None:
    text = (root / "bundles" / "newborn.yml").read_text(encoding="utf-8")
    attempt = _broken(live, root, text, name="newborn_copy.yml")
    messages = [p["message"] for p in attempt.problems]
    assert (attempt.ok, any("is also used by rules/bundles/newborn.yml" in m for m in messages)) == (False, True)


def test_fixing_the_file_makes_it_live(live: LiveEngine, root: Path) -> None:
    _broken(live, root, "id: [broken\n")
    add_pharmacy(root)
    assert (settle(live).ok, top(live)) == (True, "pharmacy_opening")


def test_a_removed_registry_file_is_refused(live: LiveEngine, root: Path) -> None:
    (root / "departments.yml").unlink()
    attempt = settle(live)
    assert (attempt.ok, attempt.problems[0]["message"], top(live, "孩子刚出生要办什么")) == (
        False, "file is missing", "newborn")


# -- a removed bundle -----------------------------------------------------------------------

def test_a_removed_bundle_is_no_longer_routed(live: LiveEngine, root: Path) -> None:
    (root / "bundles" / "newborn.yml").unlink()
    assert (settle(live).ok, top(live, "孩子刚出生要办什么") != "newborn") == (True, True)


def test_a_conversation_inside_a_removed_bundle_finishes_on_its_version(live: LiveEngine, root: Path) -> None:
    facts = anonymous()
    answers = live.set_answer("newborn", {}, "born_in_city", True, facts)
    (root / "bundles" / "newborn.yml").unlink()
    settle(live)
    step = live.next_question("newborn", answers, facts)
    assert (step.question.id, "newborn" in live.catalogue.summaries) == ("child_birth_date", False)


def test_a_bundle_not_yet_read_is_served_from_what_was_validated(root: Path, tmp_path: Path) -> None:
    """Warm start: bundles are read on first use, from the validated snapshot, not the file."""
    LiveEngine(root, tmp_path / "cache")  # validates every file and writes the manifest
    warm = LiveEngine(root, tmp_path / "cache")
    (root / "bundles" / "veteran.yml").write_text("id: [half saved", encoding="utf-8")
    assert warm.next_question("veteran", {}, anonymous()).question.id == "service_stage"


# -- what is reported ------------------------------------------------------------------------

def test_the_status_file_names_the_refused_change(live: LiveEngine, root: Path, tmp_path: Path) -> None:
    _broken(live, root, "id: [broken\n")
    status = RulesStatus.read(tmp_path / "var" / "rules-status" / "test.json")
    assert (status.failing, status.last.problems[0]["file"], status.bundles) == (
        True, "rules/bundles/pharmacy_opening.yml", 22)


def test_the_refusal_is_logged_with_each_problem(live: LiveEngine, root: Path, caplog) -> None:
    with caplog.at_level("ERROR", logger="bot.engine.live"):
        _broken(live, root, "id: [broken\n")
    assert any("rules/bundles/pharmacy_opening.yml:2: invalid YAML" in r.getMessage() for r in caplog.records)


def test_rules_status_prints_the_refusal_and_exits_1(live: LiveEngine, root: Path, tmp_path: Path) -> None:
    _broken(live, root, "id: [broken\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "rules", "status", "--rules", str(root)], cwd=ROOT, capture_output=True,
        text=True, timeout=120, env={**os.environ, "BOT_VAR_DIR": str(tmp_path / "var")},
    )
    refused = [line for line in done.stdout.splitlines() if "REFUSED" in line]
    assert (done.returncode, len(refused), "    rules/bundles/pharmacy_opening.yml:2: invalid YAML" in done.stdout) == (
        1, 1, True), done.stdout


def test_a_successful_reload_says_how_long_after_the_save_it_went_live(live: LiveEngine, root: Path) -> None:
    add_pharmacy(root)
    attempt = settle(live)
    assert attempt.live_after_save_s is not None and 0 <= attempt.live_after_save_s < 5


def test_the_status_file_is_json_a_person_can_read(live: LiveEngine, tmp_path: Path) -> None:
    data = json.loads((tmp_path / "var" / "rules-status" / "test.json").read_text(encoding="utf-8"))
    assert (data["service"], data["bundles"], data["last"]) == ("test", 22, None)
