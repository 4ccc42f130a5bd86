"""Routing on the kinds of need P7 named (a step already done, a bundle negated, a stated goal
over a background event, code-mixed words): a fresh set never trained on, with floors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.engine import Engine
from bot.text.focus import FocusWords, focused

CASES = yaml.safe_load((Path(__file__).with_name("routing_kinds.yml")).read_text(encoding="utf-8"))["kinds"]
ALL = [(kind, bundle, text) for kind, cases in CASES.items() for bundle, text in cases]


def test_top1_and_top3_on_the_fresh_kinds_meet_the_targets(engine: Engine) -> None:
    ranked = [[c.bundle_id for c in engine.route(text, 3)] for _, _, text in ALL]
    top1 = sum(bool(r) and r[0] == bundle for r, (_, bundle, _) in zip(ranked, ALL, strict=True)) / len(ALL)
    top3 = sum(bundle in r for r, (_, bundle, _) in zip(ranked, ALL, strict=True)) / len(ALL)
    assert (top1 >= 0.95, top3 >= 0.995) == (True, True), (top1, top3)


@pytest.fixture(scope="module")
def words(engine: Engine) -> FocusWords:
    return FocusWords.from_labels(engine.catalogue.vocabulary.labels["routing_focus"])


def test_a_negated_clause_drops_out(words: FocusWords) -> None:
    assert focused("不算高层次人才，就是普通毕业生", words) == "就是普通毕业生"


def test_a_finished_step_drops_out(words: FocusWords) -> None:
    assert focused("车已经上好牌了，跑运输还要办啥", words) == "跑运输还要办啥"


def test_a_finished_step_that_also_states_a_goal_stays(words: FocusWords) -> None:
    assert focused("营业执照早就拿到了要开饭店，还差什么", words) == "营业执照早就拿到了要开饭店 还差什么"


def test_one_clause_is_left_as_it_is(words: FocusWords) -> None:
    assert focused("不是本地户口想开店", words) == "不是本地户口想开店"


def test_nothing_is_dropped_when_nothing_would_be_left(words: FocusWords) -> None:
    assert focused("不是这个，也不是那个", words) == "不是这个，也不是那个"
