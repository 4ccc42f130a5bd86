"""Intent classifier over character n-grams and jieba words, scored without sklearn at run time.

Rasa's sparse featurizers and LogisticRegressionClassifier rebuild and stack scipy matrices
for every message, which costs more than everything else in a turn. This component trains
the same kind of model (TF-IDF features, multinomial logistic regression) with sklearn, keeps
only the vocabulary, IDF weights and coefficients, and scores a message by gathering the
coefficient columns of its own features: a few microseconds."""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any, Dict, List, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def features(text: str, words: List[str], min_n: int, max_n: int) -> List[str]:
    """Character n-grams inside each space-padded word, plus the tokenizer's words."""
    out: List[str] = []
    for chunk in text.lower().split():
        padded = f" {chunk} "
        for n in range(min_n, max_n + 1):
            out.extend(g for g in (padded[i:i + n] for i in range(len(padded) - n + 1)) if g.strip())
    out.extend(f"w:{w.lower()}" for w in words if w.strip())
    return out


def _words(message: Message) -> List[str]:
    tokens = message.get(TEXT_TOKENS) or []
    return [t.text for t in tokens]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NgramIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"min_ngram": 1, "max_ngram": 3, "C": 20.0, "max_iter": 2000, "random_state": 42,
                "ranking_length": 10}

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[Dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self._vocabulary: Dict[str, int] = {}
        self._idf = np.zeros(0)
        self._coef = np.zeros((0, 0))
        self._intercept = np.zeros(0)
        self._classes: List[str] = []
        if model:
            self._use(model)

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> NgramIntentClassifier:
        return cls(config, model_storage, resource)

    def _use(self, model: Dict[str, Any]) -> None:
        self._vocabulary = model["vocabulary"]
        self._idf = np.asarray(model["idf"], dtype=np.float64)
        # Columns are features: a message reads only its own columns.
        self._coef = np.asarray(model["coef"], dtype=np.float64)
        self._intercept = np.asarray(model["intercept"], dtype=np.float64)
        self._classes = list(model["classes"])

    def _features(self, message: Message) -> List[str]:
        return features(message.get(TEXT) or "", _words(message), self.config["min_ngram"], self.config["max_ngram"])

    # -- training --------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(TEXT)]
        docs = [self._features(e) for e in examples]
        labels = [e.get(INTENT) for e in examples]
        vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True)
        matrix = vectorizer.fit_transform(docs)
        model = LogisticRegression(C=self.config["C"], max_iter=self.config["max_iter"],
                                   class_weight="balanced", random_state=self.config["random_state"])
        model.fit(matrix, labels)
        binary = len(model.classes_) == 2  # sklearn keeps one row for two classes
        self._use({
            "vocabulary": {k: int(v) for k, v in vectorizer.vocabulary_.items()},
            "idf": vectorizer.idf_,
            "coef": np.vstack([-model.coef_, model.coef_]) if binary else model.coef_,
            "intercept": np.array([-model.intercept_[0], model.intercept_[0]]) if binary else model.intercept_,
            "classes": [str(c) for c in model.classes_],
        })
        with self._storage.write_to(self._resource) as directory:
            (directory / "vocabulary.json").write_text(
                json.dumps({"vocabulary": self._vocabulary, "classes": self._classes}, ensure_ascii=False),
                encoding="utf-8")
            np.savez(directory / "weights.npz", idf=self._idf, coef=self._coef, intercept=self._intercept)
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> NgramIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                model = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
                with np.load(directory / "weights.npz") as weights:
                    model.update(idf=weights["idf"], coef=weights["coef"], intercept=weights["intercept"])
        except (ValueError, FileNotFoundError, OSError):
            model = None
        return cls(config, model_storage, resource, model)

    # -- prediction ------------------------------------------------------------------------

    def _scores(self, message: Message) -> Optional[np.ndarray]:
        counts = Counter(f for f in self._features(message) if f in self._vocabulary)
        if not counts:
            return None
        ids = np.fromiter((self._vocabulary[f] for f in counts), dtype=np.int64, count=len(counts))
        weights = np.fromiter((1.0 + math.log(n) for n in counts.values()), dtype=np.float64, count=len(counts))
        weights *= self._idf[ids]
        weights /= np.sqrt((weights ** 2).sum())
        logits = self._coef[:, ids] @ weights + self._intercept
        logits -= logits.max()
        probabilities = np.exp(logits)
        return probabilities / probabilities.sum()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not self._classes:
                continue
            probabilities = self._scores(message)
            if probabilities is None:
                # Nothing we know: an even spread, which the fallback classifier turns into
                # nlu_fallback for the conversation to read in context.
                probabilities = np.full(len(self._classes), 1.0 / len(self._classes))
            order = np.argsort(-probabilities)[: self.config["ranking_length"]]
            ranking = [{"name": self._classes[i], "confidence": float(probabilities[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
