"""`/dev/wechat`: a newcomer chats with the bot "as WeChat" through the stand-in, signed in as a
demo person, to the receipt, and opens the card — in headless Chromium against the whole stack."""

from __future__ import annotations

import time
from typing import Any, Dict, List

import pytest
from playwright.sync_api import Page, expect

from tests.portal.conftest import ARTIFACTS
from tests.wechat.person import drive, texts

pytestmark = pytest.mark.browser
QUIET_S = 1.0  # longer than the page's poll interval


class PagePerson:
    """The person behind the page: what `drive` needs (say, turns), read from the page itself."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.turns: List[List[Dict[str, Any]]] = []

    def bot(self):
        return self.page.locator("#log li.bot")

    def say(self, text: str) -> List[Dict[str, Any]]:
        before = self.bot().count()
        self.page.get_by_label("输入消息").fill(text)
        self.page.get_by_role("button", name="发送").click()
        return self.replies(before)

    def replies(self, before: int) -> List[Dict[str, Any]]:
        expect(self.bot()).not_to_have_count(before, timeout=30_000)
        count = self.bot().count()
        while True:
            time.sleep(QUIET_S)
            if self.bot().count() == count:
                break
            count = self.bot().count()
        messages = []
        for n in range(before, count):
            item = self.bot().nth(n)
            card = item.locator("a.card")
            if card.count():
                messages.append({"msgtype": "link", "link": {"title": card.locator("strong").inner_text(),
                                                             "url": card.get_attribute("href")}})
            else:
                messages.append({"msgtype": "text", "text": {"content": item.locator(".bubble").inner_text()}})
        self.turns.append(messages)
        return messages


def test_a_newcomer_completes_a_conversation_as_wechat(browser, stack, catalogue) -> None:
    context = browser.new_context(viewport={"width": 480, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{stack.settings.portal_url}/dev/wechat")
        person = PagePerson(page)
        page.get_by_label("演示登录").select_option("demo-zhang-wei")
        expect(page.locator("#log li.system").last).to_contain_text("已登录为 张伟")
        page.get_by_role("button", name="进入客服会话").click()
        greeting = person.replies(0)
        receipt = drive(person, catalogue, "孩子刚出生，要办哪些手续", by="mixed")
        page.screenshot(path=str(ARTIFACTS / "dev-wechat.png"), full_page=False)
        notice_text = next(t for turn in person.turns for t in texts(turn) if "【一次性告知】" in t)
        card = page.locator("#log a.card").first
        with context.expect_page() as opened:
            card.click()
        sheet = opened.value
        expect(sheet.locator("#materials-section")).to_be_visible()
        expect(sheet.locator("#form-section")).to_be_visible()
        sheet.screenshot(path=str(ARTIFACTS / "dev-wechat-card.png"), full_page=True)
        assert (texts(greeting)[0].startswith("您好！"), "受理编号是" in receipt,
                "0项政府已有免提交" in notice_text) == (True, True, False)
    finally:
        context.close()
