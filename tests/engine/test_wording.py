"""bot/engine/wording.py: trips, per-person copies, places and dates as a person reads them,
worded by rules/vocabulary.yml."""

from __future__ import annotations

from datetime import date

import pytest

from bot.catalogue import Catalogue
from bot.engine.outcome import MaterialLine, SiteVisit
from bot.engine.wording import copies_label, date_text, material_name, places_line, trips_label


def line(holders=(), copies: int = 1, original: bool = True) -> MaterialLine:
    return MaterialLine(material_id="id_card", name="居民身份证", kind="licence", copies=copies, original=original,
                        status="required", covered_by=None, covered_by_name=None, produced_by=None,
                        used_by=["a"], holders=list(holders))


@pytest.mark.parametrize("trips, label", [(0, "一趟不用跑"), (1, "最多跑一趟")])
def test_none_or_one_trip_keep_their_own_words(catalogue: Catalogue, trips: int, label: str) -> None:
    assert trips_label(catalogue, trips) == label


@pytest.mark.parametrize("trips", [2, 3, 5])
def test_several_places_are_counted_and_never_called_one_trip(catalogue: Catalogue, trips: int) -> None:
    label = trips_label(catalogue, trips)
    assert label == f"需跑{trips}个地方，每处最多一趟"
    assert "最多跑一趟" not in label


def test_one_person_s_copy_reads_as_a_count(catalogue: Catalogue) -> None:
    assert (material_name(catalogue, line()), copies_label(catalogue, line())) == ("居民身份证", "原件 1 份")


def test_copies_say_whether_originals_or_photocopies(catalogue: Catalogue) -> None:
    assert copies_label(catalogue, line(copies=2, original=False)) == "复印件 2 份"


def test_several_holders_each_bring_their_own(catalogue: Catalogue) -> None:
    parents = line(["父母双方"])
    assert (material_name(catalogue, parents), copies_label(catalogue, parents)) == (
        "父母双方的居民身份证", "原件，各 1 份")


def test_holders_from_several_items_are_listed_together(catalogue: Catalogue) -> None:
    assert material_name(catalogue, line(["逝者和办理人", "全体继承人"])) == "逝者和办理人、全体继承人的居民身份证"


def test_places_list_name_and_address_or_nothing(catalogue: Catalogue) -> None:
    hall = SiteVisit("real_estate_hall", "不动产登记大厅", "崔寨大街3号", "工作日", None, 1, ["x"])
    office = SiteVisit("vehicle_office", "车辆管理所业务大厅", "鹊山路16号", "每天", None, 1, ["y"])
    assert places_line(catalogue, []) == ""
    assert places_line(catalogue, [hall, office]) == (
        "要去的地方：不动产登记大厅（崔寨大街3号）；车辆管理所业务大厅（鹊山路16号）")


def test_a_date_reads_in_chinese(catalogue: Catalogue) -> None:
    assert date_text(catalogue, date(2026, 3, 5)) == "2026年3月5日"
