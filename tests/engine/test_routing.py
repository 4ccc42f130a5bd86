"""bot/engine/routing.py through Engine.route and Engine.categories: the shape of the ranking,
a few unmistakable needs, text that fits no bundle, and the 服务超市 category tree.
(Routing accuracy on held-out utterances is measured by tests/nlu, not here.)"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.catalogue import Catalogue
from bot.engine import Engine
from bot.engine.routing import prepare

NEED = "我家宝宝上周出生了，想给他落户"


@pytest.mark.parametrize("limit", [1, 3, 5])
def test_route_returns_at_most_limit_candidates(engine: Engine, limit: int) -> None:
    assert 1 <= len(engine.route(NEED, limit)) <= limit


def test_route_scores_lie_between_zero_and_one(engine: Engine) -> None:
    assert all(0.0 <= c.score <= 1.0 for c in engine.route(NEED, 5))


def test_route_lists_the_best_candidate_first(engine: Engine) -> None:
    scores = [c.score for c in engine.route(NEED, 5)]
    assert scores == sorted(scores, reverse=True)


def test_route_lists_each_bundle_at_most_once(engine: Engine) -> None:
    ids = [c.bundle_id for c in engine.route(NEED, 10)]
    assert len(ids) == len(set(ids))


def test_a_candidate_carries_its_bundle_s_name(engine: Engine, catalogue: Catalogue) -> None:
    top = engine.route(NEED, 1)[0]
    assert top.name == catalogue.bundles[top.bundle_id].name


@pytest.mark.parametrize("text, bundle_id", [
    (NEED, "newborn"),
    ("我们下个月去领结婚证", "marriage"),
    ("想开一家小饭馆", "restaurant_opening"),
    ("公司要注销了", "enterprise_deregistration"),
    ("刚买了一辆新车要上牌", "new_vehicle"),
    ("想给家里通燃气和宽带", "utility_connection"),
    ("老人去世了后事怎么办", "posthumous"),
])
def test_a_clear_need_routes_to_its_bundle_first(engine: Engine, text: str, bundle_id: str) -> None:
    assert engine.route(text, 3)[0].bundle_id == bundle_id


def test_a_clear_need_gets_most_of_the_evidence(engine: Engine) -> None:
    assert engine.route("公司要注销了", 1)[0].score > 0.5


@pytest.mark.parametrize("text", ["哈哈哈", "？？？", "你好"])
def test_text_that_fits_no_bundle_gives_no_candidates(engine: Engine, text: str) -> None:
    assert engine.route(text, 3) == []


def test_keyboard_mashing_gives_no_candidates(engine: Engine) -> None:
    assert engine.route("asdfgh", 3) == []


@pytest.mark.parametrize("text, bundle_id", [
    ("公司不做了想 zhuxiao", "enterprise_deregistration"),
    ("想 register 一个 company，要准备啥", "business_opening"),
    ("明年 retire，pension 怎么领", "retirement"),
    ("开个 freight 公司要什么许可", "transport_company"),
])
def test_english_and_pinyin_words_in_a_need_count_through_their_chinese_glosses(
    engine: Engine, text: str, bundle_id: str
) -> None:
    assert engine.route(text, 3)[0].bundle_id == bundle_id


def test_a_gloss_is_added_beside_the_word_it_explains() -> None:
    assert prepare("公司要 Close 掉", glosses={"close": "注销"}) == "公司要 close 掉 注销"


def test_a_plural_finds_the_gloss_of_its_singular() -> None:
    assert prepare("licenses", glosses={"license": "许可证"}) == "licenses 许可证"


@pytest.mark.parametrize("text", ["", "   ", "\u200b"])
def test_empty_text_gives_no_candidates(engine: Engine, text: str) -> None:
    assert engine.route(text, 3) == []


# -- the category tree ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tree(engine: Engine) -> list:
    return engine.categories()


def _placed(tree: list) -> list:
    return [(a["audience"], c["category_id"], b["bundle_id"])
            for a in tree for c in a["categories"] for b in c["bundles"]]


def test_the_tree_has_both_audiences(tree: list) -> None:
    assert [a["audience"] for a in tree] == ["individual", "enterprise"]


def test_every_bundle_is_in_the_tree_exactly_once(tree: list, catalogue: Catalogue) -> None:
    counts = Counter(bundle_id for _, _, bundle_id in _placed(tree))
    assert counts == Counter(list(catalogue.bundles))


def test_every_bundle_sits_under_its_own_category(tree: list, catalogue: Catalogue) -> None:
    wrong = [b for _, c, b in _placed(tree) if catalogue.bundles[b].category != c]
    assert wrong == []


def test_every_bundle_sits_under_its_own_audience(tree: list, catalogue: Catalogue) -> None:
    wrong = [b for a, _, b in _placed(tree) if catalogue.bundles[b].audience != a]
    assert wrong == []


def test_every_listed_category_has_at_least_one_bundle(tree: list) -> None:
    assert all(c["bundles"] for a in tree for c in a["categories"])


def test_audiences_and_categories_carry_their_display_names(tree, catalogue: Catalogue) -> None:
    shown = [(a["name"], [c["name"] for c in a["categories"]]) for a in tree]
    named = [
        (catalogue.audiences[a["audience"]],
         [catalogue.categories[c["category_id"]].name for c in a["categories"]])
        for a in tree
    ]
    assert shown == named
