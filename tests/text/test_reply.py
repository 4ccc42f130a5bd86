"""bot/text/reply.py: clauses, dialect, numbers in figures, negation scope, hedges, polarity."""

from __future__ import annotations

import pytest

from bot.catalogue import Catalogue
from bot.engine.question_words import language
from bot.text.reply import Language, Span


@pytest.fixture(scope="module")
def lang(catalogue: Catalogue) -> Language:
    return language(catalogue.vocabulary)


def test_a_reply_is_cut_into_clauses_at_punctuation_and_but(lang: Language) -> None:
    assert lang.clauses("不在，在外省但是有居住证") == ["不在", "在外省", "但是有居住证"]


def test_particles_and_fillers_are_dropped_from_a_clause(lang: Language) -> None:
    assert lang.clauses("那个，是滴") == ["那个", "是"]


def test_dialect_words_are_folded_anywhere(lang: Language) -> None:
    assert lang.clauses("俺家木有") == ["我家没有"]


def test_a_one_character_dialect_word_is_folded_only_where_a_clause_starts(lang: Language) -> None:
    assert lang.clauses("系啊，关系不大") == ["是", "关系不大"]


@pytest.mark.parametrize("text, folded", [("六十多了", "60多了"), ("三级", "3级"), ("一般", "一般")])
def test_numbers_are_written_in_figures(lang: Language, text: str, folded: str) -> None:
    assert lang.fold(text) == folded


@pytest.mark.parametrize("clause, spans, negated", [
    ("不挂招牌", [Span(2, 4)], [True]),            # governs the word after it
    ("水电不要", [Span(0, 1), Span(1, 2)], [True, True]),  # or every word before it
    ("卖酒不卖烟", [Span(1, 2), Span(4, 5)], [False, True]),
    ("不光水还有电", [Span(2, 3), Span(5, 6)], [False, False]),  # 不光 is no negation
    ("她哪还能上班", [Span(4, 6)], [True]),          # a rhetorical question denies
])
def test_a_negation_governs_the_words_it_reaches(lang: Language, clause, spans, negated) -> None:
    assert lang.negated_spans(clause, spans) == negated


@pytest.mark.parametrize("clause, polarity", [
    ("在的", True), ("办过", True), ("还没交", False), ("先不弄", False), ("没问题", True), ("随便", None),
])
def test_a_clause_without_an_option_has_a_polarity(lang: Language, clause, polarity) -> None:
    assert lang.polarity(clause, lang.masked(clause, [])) is polarity


def test_a_hedge_is_found(lang: Language) -> None:
    assert lang.unsure("这个说不准") is True


def test_a_hedge_right_before_a_matched_word_is_no_hedge(lang: Language) -> None:
    assert lang.unsure(lang.blanked("忘了报年报", [Span(3, 5)])) is False


def test_whom_a_reply_names_is_found(lang: Language) -> None:
    assert lang.subjects_in("孩子他妈是外地的") == ["母亲"]


def test_a_first_clause_that_only_leads_on_is_dropped(lang: Language) -> None:
    assert lang.clauses("对了，还有个问题") == ["还有个问题"]


def test_a_lone_aside_stays_a_reply(lang: Language) -> None:
    assert lang.clauses("对了") == ["对了"]
