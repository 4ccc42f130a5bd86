"""The stage × intent table covers every intent the NLU knows, in every stage."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.dialogue.stage import Stage
from bot.dialogue.table import TABLE, step_for

ROOT = Path(__file__).resolve().parents[2]
INTENTS = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]


@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_of_the_domain_has_a_row(intent: str) -> None:
    assert intent in TABLE


@pytest.mark.parametrize("intent", sorted(TABLE))
def test_every_row_answers_in_every_stage(intent: str) -> None:
    assert all(callable(step_for(stage, intent)) for stage in Stage)


def test_an_intent_the_table_does_not_know_is_read_as_a_reply() -> None:
    assert step_for(Stage.ASKING, "some_new_intent") is step_for(Stage.ASKING, "answer")
