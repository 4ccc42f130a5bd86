"""The printable 一次性告知单 (/notice, bot/portal/static/notice/) in Debian's chromium: the receipt
number once filed, the service centre's address and hours from rules/departments.yml, the day
printed in China time, per-person copies and the true number of places to go — at 1366 px and
360 px, in normal and large text (长者模式), on screen and on paper.

The sheet's data is what the dialogue itself sends (bot/dialogue/messages.py over the real
catalogue); the portal serves the page. Screenshots go to test-artifacts/portal/."""

from __future__ import annotations

import json
from typing import Any, Dict
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from bot import clock
from bot.catalogue import Catalogue
from bot.dialogue.messages import application_custom, bundle_custom, materials_custom
from bot.engine import Engine, anonymous
from bot.engine.wording import date_text
from tests.portal.conftest import ARTIFACTS
from tests.portal.test_widget_cards import to_summary

pytestmark = pytest.mark.browser

NEWBORN = {"born_in_city": True, "child_birth_date": "2026-11-10", "parents_married": True,
           "father_hukou": "local", "mother_hukou": "local", "settle_with": "father",
           "mother_employee_insured": False, "apply_social_security_card": True}
RECEIPT = "YJS-20261121-7K3F9Q"
FONT = "el => parseFloat(getComputedStyle(el).fontSize)"
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def sheet(engine: Engine) -> Dict[str, Any]:
    """Newborn for an anonymous parent: both parents' ID cards, three places, and the receipt."""
    facts = anonymous(clock.today())
    answers: Dict[str, Any] = {}
    for question_id, value in NEWBORN.items():
        answers = engine.set_answer("newborn", answers, question_id, value, facts)
    outcome = engine.outcome("newborn", answers, facts)
    cat = engine.catalogue
    receipt = application_custom({"receipt_no": RECEIPT, "status": "submitted", "bundle_id": "newborn"})
    return {"notice": materials_custom(cat, outcome), "bundle": bundle_custom(cat, outcome),
            "application": {k: receipt[k] for k in ("receipt_no", "status", "bundle_id")}}


def open_sheet(open_widget, portal_url: str, data: Dict[str, Any], width: int) -> Page:
    page = open_widget(portal_url, width=width, height=900).page
    page.goto(f"{portal_url}/notice#" + quote(json.dumps(data, ensure_ascii=False), safe=""))
    expect(page.locator("#materials table").first).to_be_visible()
    return page


@pytest.mark.parametrize("width", [1366, 360])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_the_sheet_carries_receipt_centre_date_copies_and_places(
        open_widget, fake_portal, catalogue: Catalogue, sheet: Dict[str, Any], width: int, large: bool) -> None:
    page = open_sheet(open_widget, fake_portal.url, sheet, width)
    if large:
        page.get_by_role("button", name="长者模式（大字）").click()
        expect(page.get_by_role("button", name="长者模式（大字）")).to_have_attribute("aria-pressed", "true")
    centre = catalogue.sites[catalogue.service_centre]
    today = clock.today()
    expect(page.locator("#receipt-no")).to_have_text(RECEIPT)
    expect(page.locator("#centre-address")).to_have_text(centre.address)
    expect(page.locator("#centre-hours")).to_have_text(centre.hours)
    expect(page.locator("#centre-name")).to_have_text(centre.name)
    expect(page.locator("#printed")).to_have_attribute("datetime", today.isoformat())
    expect(page.locator("#printed")).to_have_text(date_text(catalogue, today))
    # Both parents bring their own ID card: named as theirs, counted per person.
    card = page.locator("#materials tr", has_text="父母双方的居民身份证")
    expect(card).to_have_count(1)
    expect(card.locator("td.count")).to_have_text("原件，各 1 份")
    # Three places (the hospital, the community health centre, the service centre): not "one trip".
    expect(page.locator("#summary")).to_contain_text("需跑3个地方，每处最多一趟")
    expect(page.locator("main")).not_to_contain_text("最多跑一趟")
    expect(page.locator("#sites tr")).to_have_count(3)
    for site_id in ("birth_hospital", "community_health_centre", "service_centre"):
        site = catalogue.sites[site_id]
        row = page.locator("#sites tr", has_text=site.name)
        expect(row).to_contain_text(site.address)
        expect(row).to_contain_text(site.hours)
    size = page.locator("#materials td").first.evaluate(FONT)
    assert (size >= 20) == large, f"{size}px"
    assert page.evaluate(OVERFLOW) <= 0, "the sheet scrolls sideways"
    shot(page, f"notice-{width}-{'large' if large else 'normal'}")


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, animations="disabled")


def test_on_paper_the_sheet_keeps_receipt_centre_and_places_and_drops_the_buttons(
        open_widget, fake_portal, catalogue: Catalogue, sheet: Dict[str, Any]) -> None:
    page = open_sheet(open_widget, fake_portal.url, sheet, 1366)
    page.get_by_role("button", name="长者模式（大字）").click()  # paper keeps its own type size
    page.emulate_media(media="print")
    expect(page.locator(".actions")).to_be_hidden()
    for selector in ("#receipt-no", "#centre-address", "#centre-hours", "#printed", "#sites-section"):
        expect(page.locator(selector)).to_be_visible()
    assert page.locator("#materials td").first.evaluate(FONT) < 20
    page.pdf(path=str(ARTIFACTS / "notice-receipt.pdf"), format="A4")
    assert (ARTIFACTS / "notice-receipt.pdf").stat().st_size > 10_000


def test_before_filing_there_is_no_receipt_line(open_widget, fake_portal, sheet: Dict[str, Any]) -> None:
    page = open_sheet(open_widget, fake_portal.url, {k: v for k, v in sheet.items() if k != "application"}, 1366)
    expect(page.locator("#receipt")).to_be_hidden()
    expect(page.locator("#centre-address")).to_be_visible()


def test_a_receipt_for_another_bundle_is_not_printed_on_this_sheet(
        open_widget, fake_portal, sheet: Dict[str, Any]) -> None:
    other = {**sheet, "application": {**sheet["application"], "bundle_id": "marriage"}}
    page = open_sheet(open_widget, fake_portal.url, other, 1366)
    expect(page.locator("#receipt")).to_be_hidden()


def test_elder_mode_set_on_the_sheet_stays_on_after_a_reload(
        open_widget, fake_portal, sheet: Dict[str, Any]) -> None:
    page = open_sheet(open_widget, fake_portal.url, sheet, 360)
    page.get_by_role("button", name="长者模式（大字）").click()
    page.reload()
    expect(page.locator("body")).to_have_class("elder")
    page.get_by_role("button", name="长者模式（大字）").click()
    expect(page.locator("body")).not_to_have_class("elder")


def test_the_widget_prints_the_receipt_number_on_the_sheet_it_opens_after_filing(open_widget, fake_portal) -> None:
    """Canned replies (tests/portal/contract_samples.json): summary, notice and form, then 提交."""
    w = open_widget(fake_portal.url, width=360, height=740)
    to_summary(w)
    w.press("都对，提交")
    receipt = w.cards("receipt").last
    expect(receipt).to_contain_text("YJS-20261121-7K3F9Q")
    with w.page.context.expect_page() as opened:
        receipt.get_by_role("link", name="打印一次性告知单（含受理编号）").click()
    sheet = opened.value
    sheet.wait_for_load_state()
    expect(sheet.locator("#receipt-no")).to_have_text("YJS-20261121-7K3F9Q")
    expect(sheet.locator("#summary")).to_contain_text("需跑3个地方")
    expect(sheet.locator("#sites tr")).to_have_count(3)
    shot(sheet, "notice-from-receipt-360")
    # The notice card's own link, pressed now, prints the same receipt: it was filed with that notice.
    w.cards("notice").last.locator("summary").click()
    with w.page.context.expect_page() as again:
        w.cards("notice").last.get_by_role("link", name="打开可打印的一次性告知单").click()
    again.value.wait_for_load_state()
    expect(again.value.locator("#receipt-no")).to_have_text("YJS-20261121-7K3F9Q")


def test_the_widget_in_large_text_opens_the_sheet_in_large_text(open_widget, fake_portal) -> None:
    w = open_widget(fake_portal.url, width=360, height=740)
    to_summary(w)
    w.page.get_by_role("button", name="大字高对比模式").click()
    w.cards("notice").last.locator("summary").click()
    with w.page.context.expect_page() as opened:
        w.cards("notice").last.get_by_role("link", name="打开可打印的一次性告知单").click()
    sheet = opened.value
    sheet.wait_for_load_state()
    expect(sheet.locator("body")).to_have_class("elder")
    expect(sheet.locator("#receipt")).to_be_hidden()  # nothing filed yet
