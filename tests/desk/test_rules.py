"""rules/desk.yml: validated once; the calendar it implies (hours, working days, holidays)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.catalogue.yaml_io import read_yaml
from bot.desk.rules import DeskRules, Hours, load_desk_rules
from bot.settings import ROOT

BEIJING = ZoneInfo("Asia/Shanghai")
RULES = load_desk_rules(ROOT / "rules")


def _at(*args: int) -> float:
    return datetime(*args, tzinfo=BEIJING).timestamp()


def _weekday_hours() -> DeskRules:
    return RULES.copy(update={"hours": [Hours.parse_obj({"days": [1, 2, 3, 4, 5], "from": "09:00", "to": "17:00"})]})


def test_the_hotline_is_staffed_around_the_clock_as_the_state_council_asks() -> None:
    assert [RULES.is_open(_at(2027, 1, 16, h)) for h in (0, 3, 12, 23)] == [True] * 4


def test_weekday_hours_close_the_desk_on_saturday_and_after_five() -> None:
    rules = _weekday_hours()
    assert [rules.is_open(_at(2027, 1, 16, 10)), rules.is_open(_at(2027, 1, 18, 10)),
            rules.is_open(_at(2027, 1, 18, 17)), rules.is_open(_at(2027, 1, 18, 8, 59))] == [False, True, False, False]


def test_a_holiday_closes_the_desk_within_its_hours() -> None:
    rules = _weekday_hours().copy(update={"holidays": [date(2027, 1, 18)]})
    assert rules.is_open(_at(2027, 1, 18, 10)) is False


def test_fifteen_working_days_after_a_friday_skip_three_weekends() -> None:
    due = RULES.working_days_later(_at(2027, 1, 15, 16), 15)
    assert datetime.fromtimestamp(due, BEIJING) == datetime(2027, 2, 5, 16, tzinfo=BEIJING)


def test_holidays_do_not_count_and_a_working_weekend_does() -> None:
    rules = RULES.copy(update={"holidays": [date(2027, 1, 18)], "workdays": [date(2027, 1, 16)]})
    due = rules.working_days_later(_at(2027, 1, 15, 16), 2)
    assert datetime.fromtimestamp(due, BEIJING).date() == date(2027, 1, 19)


def test_good_and_bad_ratings_have_five_levels() -> None:
    data = read_yaml(ROOT / "rules" / "desk.yml")
    data["rating_levels"] = {1: "差", 5: "好"}
    with pytest.raises(ValidationError):
        DeskRules.parse_obj(data)


def test_an_unknown_time_zone_is_refused() -> None:
    data = read_yaml(ROOT / "rules" / "desk.yml")
    data["timezone"] = "Mars/Olympus"
    with pytest.raises(ValidationError):
        DeskRules.parse_obj(data)


def test_every_canned_reply_and_consent_method_has_an_id_and_words() -> None:
    assert (len(RULES.canned) >= 3, all(c.text for c in RULES.canned),
            RULES.consent_label("phone_verbal_recorded") is not None) == (True, True, True)


def test_rules_check_names_a_broken_desk_file(tmp_path) -> None:
    import shutil

    from bot.catalogue.lint import check

    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    desk = tmp_path / "rules" / "desk.yml"
    desk.write_text(desk.read_text(encoding="utf-8").replace("hotline: \"12345\"", "hotline: \"\""), encoding="utf-8")
    assert [(p.file, p.path) for p in check(tmp_path / "rules") if p.severity == "error"] == [("desk.yml", "hotline")]
