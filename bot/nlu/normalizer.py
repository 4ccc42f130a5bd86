"""Rasa graph component that normalises message text before the Jieba tokenizer sees it."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text.normalize import DEFAULT_MAX_CHARS, normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class TextNormalizer(GraphComponent):
    """NFKC width folding, traditional→simplified (OpenCC), control characters and excess
    whitespace removed, length capped. Registered as a tokenizer-stage component so that it
    runs, in pipeline order, on training data and on every incoming message."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"max_chars": DEFAULT_MAX_CHARS}

    def __init__(self, config: Dict[str, Any]) -> None:
        self.max_chars = int(config.get("max_chars", DEFAULT_MAX_CHARS))

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TextNormalizer:
        return cls({**cls.get_default_config(), **config})

    def _normalize(self, message: Message) -> None:
        text = message.get(TEXT)
        # "/intent{...}" payloads from buttons are structured data, not language.
        if not isinstance(text, str) or text.startswith("/"):
            return
        message.set(TEXT, normalize(text, self.max_chars))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            if example.get(ENTITIES):
                # Annotated spans are character offsets: keep them valid by only accepting
                # a normalisation that keeps the length.
                text = example.get(TEXT)
                cleaned = normalize(text, self.max_chars) if isinstance(text, str) else text
                if isinstance(cleaned, str) and len(cleaned) == len(text):
                    example.set(TEXT, cleaned)
                continue
            self._normalize(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message)
        return messages
