"""bot/text/dates.py: absolute, partial and relative dates (past-biased) and ages."""

from __future__ import annotations

from datetime import date

import pytest

from bot.text.dates import months_before, parse_age_months, parse_age_years, parse_date

TODAY = date(2026, 11, 21)  # a Saturday


@pytest.mark.parametrize("text", [
    "2024年3月5日", "2024年3月5号", "2024-03-05", "2024/3/5", "2024.3.5", "2024 年 3 月 5 日",
    "二〇二四年三月五日", "二零二四年三月五号", "孩子是2024年3月5日上午出生的",
])
def test_a_full_date_is_read_in_any_usual_spelling(text: str) -> None:
    assert parse_date(text, TODAY) == date(2024, 3, 5)


def test_a_two_digit_year_is_the_latest_such_year_not_after_today() -> None:
    assert parse_date("98年3月5日", TODAY) == date(1998, 3, 5)


def test_a_two_digit_year_of_this_century_stays_in_it() -> None:
    assert parse_date("24年3月5日", TODAY) == date(2024, 3, 5)


def test_a_year_and_month_mean_the_first_of_that_month() -> None:
    assert parse_date("2024年3月", TODAY) == date(2024, 3, 1)


def test_a_month_and_day_already_past_this_year_are_this_year() -> None:
    assert parse_date("3月5号", TODAY) == date(2026, 3, 5)


def test_a_month_and_day_still_to_come_this_year_are_last_year() -> None:
    assert parse_date("12月20号", TODAY) == date(2025, 12, 20)


def test_today_s_month_and_day_are_today() -> None:
    assert parse_date("11月21日", TODAY) == TODAY


def test_tomorrow_s_month_and_day_are_last_year() -> None:
    assert parse_date("11月22日", TODAY) == date(2025, 11, 22)


def test_a_month_and_day_in_chinese_numerals_are_read() -> None:
    assert parse_date("十一月三号", TODAY) == date(2026, 11, 3)


@pytest.mark.parametrize("text, expected", [
    ("去年三月", date(2025, 3, 1)),
    ("去年12月20号", date(2025, 12, 20)),
    ("前年5月", date(2024, 5, 1)),
    ("今年3月", date(2026, 3, 1)),
])
def test_a_relative_year_with_a_month_is_that_year(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("上个月10号", date(2026, 10, 10)),
    ("上月5号", date(2026, 10, 5)),
    ("这个月5号", date(2026, 11, 5)),
])
def test_a_relative_month_with_a_day_is_that_day(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("三天前", date(2026, 11, 18)),
    ("3天前", date(2026, 11, 18)),
    ("十天以前", date(2026, 11, 11)),
    ("两周前", date(2026, 11, 7)),
    ("两个月前", date(2026, 9, 21)),
    ("半个月前", date(2026, 11, 6)),
    ("一个半月前", date(2026, 10, 6)),
    ("半年前", date(2026, 5, 21)),
    ("一年半前", date(2025, 5, 21)),
    ("两年前", date(2024, 11, 21)),
])
def test_an_amount_of_time_ago_counts_back_from_today(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("今天", TODAY),
    ("昨天", date(2026, 11, 20)),
    ("前天", date(2026, 11, 19)),
    ("大前天", date(2026, 11, 18)),
])
def test_named_days_count_back_from_today(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("上周三", date(2026, 11, 11)),
    ("上个星期三", date(2026, 11, 11)),
    ("上上周日", date(2026, 11, 8)),
    ("上周日", date(2026, 11, 15)),
])
def test_a_weekday_of_a_named_past_week_is_in_that_week(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("周五", date(2026, 11, 20)),
    ("礼拜五", date(2026, 11, 20)),
    ("周六", TODAY),
])
def test_a_bare_weekday_already_reached_this_week_is_this_week(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_a_bare_weekday_still_to_come_this_week_is_last_week() -> None:
    assert parse_date("周日", TODAY) == date(2026, 11, 15)


def test_a_weekday_of_this_week_named_outright_stays_in_this_week_even_if_still_to_come() -> None:
    assert parse_date("这周日", TODAY) == date(2026, 11, 22)


@pytest.mark.parametrize("text", [
    "2月30日", "2024年2月30日", "2025年13月1日", "13月5号", "0月5号", "3月32号", "去年2月29日",
])
def test_an_impossible_date_gives_none(text: str) -> None:
    assert parse_date(text, TODAY) is None


@pytest.mark.parametrize("text", ["", "不知道", "很久以前", "5号", "上周"])
def test_text_without_a_date_gives_none(text: str) -> None:
    assert parse_date(text, TODAY) is None


def test_an_age_is_read_as_the_birth_date_it_implies() -> None:
    assert parse_date("孩子三岁半了", TODAY) == date(2023, 5, 21)


@pytest.mark.parametrize("months, expected", [
    (0, TODAY), (1, date(2026, 10, 21)), (11, date(2025, 12, 21)), (12, date(2025, 11, 21)),
])
def test_months_before_keeps_the_day_of_the_month(months: int, expected: date) -> None:
    assert months_before(TODAY, months) == expected


def test_months_before_moves_to_the_last_day_of_a_shorter_month() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


@pytest.mark.parametrize("text, years", [
    ("三岁半", 3.5),
    ("一岁半", 1.5),
    ("两周岁", 2),
    ("3岁", 3),
    ("五十岁", 50),
    ("一岁三个月", 1.25),
    ("两岁零三个月", 2.25),
    ("十八个月", 1.5),
])
def test_ages_read_in_years(text: str, years: float) -> None:
    assert parse_age_years(text) == years


def test_an_age_in_months_reads_as_a_fraction_of_a_year() -> None:
    assert parse_age_years("八个月") == pytest.approx(8 / 12, abs=0.01)


@pytest.mark.parametrize("text, months", [
    ("八个月", 8), ("三岁半", 42), ("一岁三个月", 15), ("两周岁", 24),
])
def test_ages_read_in_months(text: str, months: float) -> None:
    assert parse_age_months(text) == months


@pytest.mark.parametrize("text", ["", "不知道", "三天"])
def test_text_without_an_age_gives_none(text: str) -> None:
    assert parse_age_years(text) is None
