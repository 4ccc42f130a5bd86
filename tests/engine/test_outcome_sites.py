"""bot/engine/outcome.py: trips counted per distinct site actually visited, the sites listed in
the summary, an item's own site, and per-person copies (`holders`) merged across items — on a
small bundle made for them (`sites_lab`), checked like any bundle file."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, Dict

import pytest
import yaml

from bot.catalogue import Catalogue
from bot.catalogue.model import Bundle
from bot.catalogue.references import check_bundle
from bot.engine import Engine, Outcome, anonymous

ANONYMOUS = anonymous(date(2026, 11, 21))

SITES_LAB = """
id: sites_lab
name: 跑动地点实验
audience: individual
category: birth_and_education
version: test
effective_from: 2024-01-01
lead_department: civil_affairs
description: 测试用：事项分布在几个地点，用来检查跑动次数按地点计算。
references: [{title: 测试夹具, note: 仅用于单元测试}]
routing: {keywords: [地点实验], examples: [地点实验一, 地点实验二, 地点实验三]}
questions:
  - {id: car, text: 有车要过户吗？, kind: yesno, why: 决定车辆事项。}
  - {id: house, text: 有房要过户吗？, kind: yesno, why: 决定房产事项。}
items:
  - id: apply
    code: LAB-S1
    name: 网上申请
    department: civil_affairs
    handling_mode: online
    trips: 0
    time_limit: {promised_days: 1}
    materials:
      - {ref: household_register}
  - id: counter
    code: LAB-S2
    name: 窗口核验
    department: public_security
    handling_mode: online_precheck
    trips: 1
    time_limit: {promised_days: 1}
    materials:
      - {ref: id_card, holders: 买卖双方}
  - id: car_transfer
    code: LAB-S3
    name: 车辆过户
    department: traffic_police
    handling_mode: window
    trips: 1
    time_limit: {promised_days: 1}
    when: {answer: car, is: true}
    materials:
      - {ref: id_card, holders: 继承人, copies: 2}
  - id: car_licence
    code: LAB-S4
    name: 驾驶证注销
    department: traffic_police
    handling_mode: online
    trips: 0
    time_limit: {promised_days: 1}
    when: {answer: car, is: true}
  - id: house_tax
    code: LAB-S5
    name: 房产税费
    department: tax
    site: real_estate_hall
    window: 不动产登记大厅 税务窗口
    handling_mode: online_precheck
    trips: 1
    time_limit: {promised_days: 1}
    when: {answer: house, is: true}
    materials:
      - {ref: id_card, holders: 买卖双方}
  - id: house_registration
    code: LAB-S6
    name: 房产登记
    department: natural_resources
    handling_mode: window
    trips: 1
    time_limit: {promised_days: 1}
    when: {answer: house, is: true}
    materials:
      - {ref: id_card}
"""


@pytest.fixture(scope="module")
def lab(catalogue: Catalogue) -> Engine:
    bundle = Bundle.parse_obj(yaml.safe_load(SITES_LAB))
    assert check_bundle(catalogue, bundle, "sites_lab.yml", "sites_lab") == [], "the fixture must be valid"
    return Engine(dataclasses.replace(catalogue, bundles={**catalogue.bundles, "sites_lab": bundle}))


def outcome(lab: Engine, answers: Dict[str, Any]) -> Outcome:
    return lab.outcome("sites_lab", answers, ANONYMOUS)


def visits(result: Outcome):
    return [(s.site_id, s.items) for s in result.summary.sites]


def test_one_site_one_trip(lab: Engine) -> None:
    result = outcome(lab, {"car": False, "house": False})
    assert (result.summary.trips, visits(result)) == (1, [("service_centre", ["counter"])])


def test_a_second_site_is_a_second_trip_and_online_items_there_add_nothing(lab: Engine) -> None:
    result = outcome(lab, {"car": True, "house": False})
    assert (result.summary.trips, visits(result)) == (
        2, [("service_centre", ["counter"]), ("vehicle_office", ["car_transfer"])])


def test_two_departments_at_one_other_site_add_one_trip(lab: Engine) -> None:
    """The tax office's item is handled at the 不动产登记大厅, with the registration."""
    result = outcome(lab, {"car": False, "house": True})
    assert (result.summary.trips, visits(result)) == (
        2, [("service_centre", ["counter"]), ("real_estate_hall", ["house_tax", "house_registration"])])


def test_every_site_counts_once(lab: Engine) -> None:
    assert outcome(lab, {"car": True, "house": True}).summary.trips == 3


def test_items_not_yet_decided_send_nobody_anywhere(lab: Engine) -> None:
    result = outcome(lab, {})
    assert (result.summary.trips, sorted(result.undecided_items)) == (
        1, ["car_licence", "car_transfer", "house_registration", "house_tax"])


def test_a_site_carries_its_address_and_hours_from_the_rules(lab: Engine, catalogue: Catalogue) -> None:
    hall = outcome(lab, {"car": False, "house": True}).summary.sites[1]
    site = catalogue.sites["real_estate_hall"]
    assert (hall.name, hall.address, hall.hours, hall.phone) == (site.name, site.address, site.hours, site.phone)


def test_an_item_at_another_site_shows_its_own_window(lab: Engine, catalogue: Catalogue) -> None:
    items = {i.item_id: i for i in outcome(lab, {"car": False, "house": True}).items}
    assert (items["house_tax"].site, items["house_tax"].window) == ("real_estate_hall", "不动产登记大厅 税务窗口")
    tax = catalogue.departments["tax"]
    assert (items["counter"].site, items["counter"].window) == ("service_centre",
                                                                catalogue.departments["public_security"].window)
    assert tax.site == "service_centre"  # the item's own site, not its department's


def test_holders_of_every_applicable_use_are_merged_once_each(lab: Engine) -> None:
    card = next(m for m in outcome(lab, {"car": True, "house": True}).materials if m.material_id == "id_card")
    assert (card.holders, card.copies) == (["买卖双方", "继承人"], 2)


def test_holders_of_uses_that_do_not_apply_are_left_out(lab: Engine) -> None:
    card = next(m for m in outcome(lab, {"car": False, "house": True}).materials if m.material_id == "id_card")
    assert card.holders == ["买卖双方"]


def test_a_material_nobody_named_holders_for_has_none(lab: Engine) -> None:
    register = next(m for m in outcome(lab, {"car": False, "house": False}).materials
                    if m.material_id == "household_register")
    assert register.holders == []
