"""The n-gram intent classifier: learns intents, survives persistence, ranks, and spreads thin
on text it has never seen (so that the fallback classifier can take over)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import NgramIntentClassifier

EXAMPLES = {
    "greet": ["你好", "您好啊", "早上好", "嗨 你好", "在吗 你好"],
    "ask_human": ["转人工", "我要找人工客服", "叫个真人来", "人工服务", "帮我转接人工"],
    "go_back": ["上一步", "返回上一个问题", "回到上一题", "退回去", "上一个"],
}


@pytest.fixture
def trained(tmp_path: Path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    classifier = NgramIntentClassifier.create({}, storage, resource, context)
    data = TrainingData([Message(data={"text": t, "intent": i}) for i, ts in EXAMPLES.items() for t in ts])
    classifier.train(data)
    return storage, resource, context, classifier


def _intent(classifier: NgramIntentClassifier, text: str) -> dict:
    message = Message(data={"text": text})
    classifier.process([message])
    return message.get("intent")


def test_a_close_variant_gets_its_intent(trained) -> None:
    assert _intent(trained[3], "麻烦转人工吧")["name"] == "ask_human"


def test_a_loaded_model_predicts_what_the_trained_one_did(trained) -> None:
    storage, resource, context, classifier = trained
    loaded = NgramIntentClassifier.load({}, storage, resource, context)
    assert _intent(loaded, "返回上一步")["name"] == _intent(classifier, "返回上一步")["name"] == "go_back"


def test_the_ranking_is_sorted_and_sums_to_at_most_one(trained) -> None:
    message = Message(data={"text": "你好"})
    trained[3].process([message])
    confidences = [r["confidence"] for r in message.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True) and sum(confidences) <= 1.0 + 1e-9


def test_text_with_no_known_feature_is_spread_evenly(trained) -> None:
    assert _intent(trained[3], "qqqqqq")["confidence"] == pytest.approx(1 / len(EXAMPLES))
