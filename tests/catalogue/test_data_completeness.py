"""Data files you can trust (style guide §8): every bundle has its case file and NLU file and
cites its sources; every rules file says what it encodes; every message and label the code asks
for exists in rules/, and every message in rules/messages.yml is used."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest
import yaml

from bot.catalogue import Catalogue
from bot.engine.routing_examples import load_routing_examples

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "rules"
NLU = ROOT / "data" / "nlu" / "bundles"
DIALOGUE = sorted((ROOT / "bot" / "dialogue").rglob("*.py"))
ALL_CODE = sorted((ROOT / "bot").rglob("*.py")) + sorted((ROOT / "actions").rglob("*.py"))
RULES_FILES = sorted((ROOT / "rules").rglob("*.yml"))


def _calls(paths: List[Path]) -> Iterator[Tuple[Path, str, ast.Call]]:
    """(file, called name, call) for every call of a function or method in `paths`."""
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                yield path, name, node


def _const(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _reads(call: ast.Call, attribute: str) -> bool:
    """The call is a method of `<something>.<attribute>`, e.g. `catalogue.messages.get(…)`."""
    owner = getattr(call.func, "value", None)
    return isinstance(owner, ast.Attribute) and owner.attr == attribute


def _where(path: Path, call: ast.Call) -> str:
    return f"{path.relative_to(ROOT)}:{call.lineno}"


# -- bundles ------------------------------------------------------------------------------------

def test_every_bundle_has_a_case_file_naming_it(catalogue: Catalogue) -> None:
    named = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")).get("bundle")
             for p in CASES.glob("*.yml")}
    assert {b: named.get(b) for b in catalogue.bundles} == {b: b for b in catalogue.bundles}


def test_every_case_file_is_for_a_bundle_of_the_catalogue(catalogue: Catalogue) -> None:
    assert sorted(p.stem for p in CASES.glob("*.yml") if p.stem not in catalogue.bundles) == []


def test_every_bundle_has_nlu_examples_of_its_own(catalogue: Catalogue) -> None:
    examples = load_routing_examples(NLU)
    assert [b for b in catalogue.bundles if not examples.get(b)] == []


def test_every_nlu_bundle_file_is_for_a_bundle_of_the_catalogue(catalogue: Catalogue) -> None:
    assert sorted(p.stem for p in NLU.glob("*.yml") if p.stem not in catalogue.bundles) == []


def test_every_bundle_cites_at_least_one_reference(catalogue: Catalogue) -> None:
    assert [b.id for b in catalogue.bundles.values() if not b.references] == []


def test_every_reference_says_more_than_a_title(catalogue: Catalogue) -> None:
    bare = [f"{b.id}: {r.title}" for b in catalogue.bundles.values() for r in b.references
            if not (r.doc_no or r.url or r.note)]
    assert bare == []


@pytest.mark.parametrize("path", RULES_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_rules_file_opens_with_a_comment_saying_what_it_encodes(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith("# ")


# -- messages -----------------------------------------------------------------------------------

def _said_keys() -> Dict[str, str]:
    """Message keys passed literally to say()/_say() in bot/dialogue, with where."""
    found = {}
    for path, name, call in _calls(DIALOGUE):
        if name in ("say", "_say") and call.args and _const(call.args[0]):
            found.setdefault(_const(call.args[0]), _where(path, call))
    return found


def _looked_up_keys() -> Dict[str, str]:
    """Message keys read directly elsewhere: channels' `notice("key")`, `messages.get("key")`."""
    found = {}
    for path, name, call in _calls(ALL_CODE):
        if (name == "notice" or (name == "get" and _reads(call, "messages"))) and call.args \
                and _const(call.args[0]):
            found.setdefault(_const(call.args[0]), _where(path, call))
    return found


def _dialogue_strings() -> Tuple[Set[str], Set[str]]:
    """Every string literal of bot/dialogue and the literal prefixes of its f-strings: keys the
    dialogue picks at run time ({"unsure": "answer_unsure"}[…], f"answer_not_understood_{kind}")."""
    literals, prefixes = set(), set()
    for path in DIALOGUE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _const(node):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and _const(node.values[0]):
                prefixes.add(node.values[0].value)
    return literals, {p for p in prefixes if len(p) > 3}


def test_the_scan_finds_the_dialogue_s_messages() -> None:
    assert len(_said_keys()) >= 20, "say() calls are no longer recognised; fix the scan"


def test_every_message_said_in_the_dialogue_exists(catalogue: Catalogue) -> None:
    missing = {key: where for key, where in _said_keys().items() if key not in catalogue.messages}
    assert missing == {}


def test_every_message_looked_up_by_the_channels_and_actions_exists(catalogue: Catalogue) -> None:
    looked_up = _looked_up_keys()
    missing = {key: where for key, where in looked_up.items() if key not in catalogue.messages}
    assert (len(looked_up) > 0, missing) == (True, {})


def test_every_message_in_the_rules_is_used(catalogue: Catalogue) -> None:
    literals, prefixes = _dialogue_strings()
    used = literals | set(_looked_up_keys())
    unused = [key for key in catalogue.messages
              if key not in used and not any(key.startswith(p) for p in prefixes)]
    assert unused == []


# -- labels -------------------------------------------------------------------------------------

def _helper_groups() -> Dict[str, str]:
    """The label group each dialogue helper reads: `def format(key)` → cat.label("format", key)."""
    groups = {}
    for path in DIALOGUE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in ("format", "label"):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "label" \
                            and call.args and _const(call.args[0]):
                        groups[node.name] = call.args[0].value
    return groups


def _label_uses() -> List[Tuple[str, str | None, str]]:
    """(group, key or None when computed, where) for every label the code reads."""
    helpers = _helper_groups()
    uses = []
    for path, name, call in _calls(ALL_CODE):
        args = [_const(a) for a in call.args]
        if name == "label" and len(args) >= 2 and args[0]:  # catalogue.label(group, key)
            uses.append((args[0], args[1], _where(path, call)))
        elif name in helpers and len(args) == 1 and args[0] and path in DIALOGUE:  # ctx.label(key)
            uses.append((helpers[name], args[0], _where(path, call)))
        elif name == "get" and args and args[0] and _reads(call, "labels"):
            uses.append((args[0], None, _where(path, call)))
    return uses


def test_the_dialogue_helpers_read_the_format_and_button_labels() -> None:
    assert _helper_groups() == {"format": "format", "label": "button"}


def test_every_label_group_the_code_reads_exists(catalogue: Catalogue) -> None:
    labels = catalogue.vocabulary.labels
    missing = sorted(f"{group} ({where})" for group, _, where in _label_uses()
                     if group not in labels)
    assert missing == []


def test_every_label_key_the_code_names_exists(catalogue: Catalogue) -> None:
    labels = catalogue.vocabulary.labels
    missing = sorted(f"{group}.{key} ({where})" for group, key, where in _label_uses()
                     if key is not None and key not in labels.get(group, {}))
    assert missing == []
