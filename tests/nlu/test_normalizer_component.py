"""The Rasa graph component around the normaliser: it rewrites message text in place, leaves
button payloads alone, and keeps annotated training examples aligned."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalizer import TextNormalizer


def _component(max_chars: int = 500) -> TextNormalizer:
    return TextNormalizer({"max_chars": max_chars})


def _text(raw: str, max_chars: int = 500) -> str:
    message = Message(data={"text": raw})
    _component(max_chars).process([message])
    return message.get("text")


def test_traditional_characters_become_simplified() -> None:
    assert _text("孩子剛出生要辦什麼") == "孩子刚出生要办什么"


def test_full_width_digits_and_letters_become_half_width() -> None:
    assert _text("电话１３８１２３４５６７８，ＯＫ") == "电话13812345678,OK"


def test_emoji_are_kept_and_zero_width_characters_removed() -> None:
    assert _text("好的\u200b👍") == "好的👍"


def test_a_ten_thousand_character_message_is_capped() -> None:
    assert len(_text("啊" * 10_000, max_chars=500)) == 500


def test_button_payloads_pass_unchanged() -> None:
    payload = '/answer{"question_id":"x","value":"ＡＢ"}'
    assert _text(payload) == payload


def test_training_examples_are_normalised_too() -> None:
    data = TrainingData([Message(data={"text": "辦理 出生 證明", "intent": "describe_need"})])
    _component().process_training_data(data)
    assert data.training_examples[0].get("text") == "办理出生证明"


def test_annotated_examples_keep_entity_offsets_valid() -> None:
    text = "电话 13812345678"
    example = Message(data={"text": text, "intent": "correct_field",
                            "entities": [{"start": 3, "end": 14, "value": "13812345678", "entity": "phone"}]})
    _component().process_training_data(TrainingData([example]))
    entity = example.get("entities")[0]
    assert example.get("text")[entity["start"]:entity["end"]] == "13812345678"
