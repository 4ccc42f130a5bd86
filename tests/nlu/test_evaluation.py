"""NLU on held-out utterances never trained on: intent accuracy and routing top-1/top-3, with floors.

The held-out files were written separately from the training data; any utterance that also
appears in the training data (common short phrases do) is left out of the measure."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest
import yaml

from bot.engine.routing import prepare
from bot.engine.routing_examples import load_routing_examples
from bot.settings import ROOT

pytestmark = pytest.mark.servers

HERE = Path(__file__).parent
INTENT_FLOOR = 0.85
TOP1_FLOOR = 0.95
TOP3_FLOOR = 0.99


def _training_texts() -> Set[str]:
    texts: Set[str] = set()
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.add(prepare(line.strip()[2:]))
    for path in (ROOT / "rules" / "bundles").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts.update(prepare(t) for t in data["routing"]["examples"])
    return texts


def _post(url: str, body: Dict) -> Dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.loads(resp.read())


def _unseen(pairs: List[Tuple[str, str]]) -> List[Tuple[str, str]]:
    seen = _training_texts()
    return [(label, text) for label, text in pairs if prepare(text) not in seen]


@pytest.fixture(scope="module")
def intent_cases() -> List[Tuple[str, str]]:
    data = yaml.safe_load((HERE / "intent_holdout.yml").read_text(encoding="utf-8"))["intents"]
    return _unseen([(intent, str(text)) for intent, texts in data.items() for text in texts])


@pytest.fixture(scope="module")
def routing_cases() -> List[Tuple[str, str]]:
    data = yaml.safe_load((HERE / "routing_holdout.yml").read_text(encoding="utf-8"))["bundle_utterances"]
    return _unseen([(bundle, str(text)) for bundle, texts in data.items() for text in texts])


def test_enough_held_out_utterances_remain_after_removing_trained_ones(intent_cases, routing_cases) -> None:
    assert (len(intent_cases) >= 90, len(routing_cases) >= 300) == (True, True)


def test_intent_accuracy_on_held_out_utterances_is_above_the_floor(model, intent_cases) -> None:
    # The model as the Rasa server loads it, in this process: the server has no HTTP API.
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def intents() -> List[str]:
        return [(await agent.parse_message(text))["intent"]["name"] for _, text in intent_cases]

    # An answer that the NLU reads as affirm/deny is still an answer in context: same action.
    same = {"answer": {"answer", "affirm", "deny", "nlu_fallback"}}
    read = asyncio.run(intents())
    hits = [name in same.get(intent, {intent}) for (intent, _), name in zip(intent_cases, read, strict=True)]
    assert sum(hits) / len(hits) >= INTENT_FLOOR


def test_routing_top1_and_top3_on_held_out_utterances_meet_the_targets(stack, routing_cases) -> None:
    url = f"{stack.settings.portal_url}/api/v1/route"
    top1 = top3 = 0
    for bundle, text in routing_cases:
        ranked = [c["bundle_id"] for c in _post(url, {"text": text, "limit": 3})["candidates"]]
        top1 += bool(ranked) and ranked[0] == bundle
        top3 += bundle in ranked
    n = len(routing_cases)
    assert (top1 / n >= TOP1_FLOOR, top3 / n >= TOP3_FLOOR) == (True, True), (top1 / n, top3 / n)


def test_the_routing_examples_in_data_belong_to_known_bundles(catalogue) -> None:
    assert set(load_routing_examples(ROOT / "data" / "nlu" / "bundles")) <= set(catalogue.bundles)
