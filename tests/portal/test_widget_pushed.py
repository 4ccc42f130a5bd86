"""Messages the person did not ask for reach the open widget: a queued application delivered
later shows its final receipt number (the whole stack, in headless Chromium)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.portal.flows import to_receipt

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"YJS-\d{8}-[0-9A-Z]{6}")


def test_a_queued_application_delivered_later_is_announced_in_the_open_widget(open_widget, stack):
    intake = next(p for p in stack.processes if p.name == "intake API")
    w = open_widget(stack.settings.portal_url).goto()
    w.page.get_by_label("演示登录").select_option("demo-zhang-wei")
    before = w.bot_messages().count()
    w.page.get_by_role("button", name="在线导办：新生儿出生一件事").click()
    w.wait_reply(before)
    intake.stop()
    try:
        to_receipt(w)
        queued = w.cards("receipt").last
        expect(queued).to_contain_text(re.compile(r"LS-\d{8}-[0-9A-Z]{6}"))  # a provisional reference
    finally:
        intake.start()
        intake.wait_healthy(60)
    announced = w.page.locator(".yjs-log > .yjs-pushed")
    expect(announced).to_contain_text(RECEIPT, timeout=60_000)
    expect(announced.locator(".yjs-card-receipt")).to_contain_text(RECEIPT)
    w.shot("pushed-delivery")
    # The announcement is part of the conversation: it is still there after a reload, once.
    w.page.reload()
    w.open()
    expect(w.page.locator(".yjs-log")).to_contain_text(RECEIPT)
    assert w.page.locator(".yjs-log").inner_text().count("已正式提交") == 1
    assert not w.errors and not w.csp_violations()
