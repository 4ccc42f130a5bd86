"""Wording that is true, in the browser (issue #12, items 7 and 6): "已预填 / 已自动填好" only when
something was; one count of materials everywhere (the bot's words, the card's title, summary
line, groups and rows, what screen readers hear); signing in mid-conversation keeps the
conversation and applies prefill and 免提交 to it. Whole stack, headless Chromium, in each view."""

from __future__ import annotations

import re
from typing import Dict

import pytest
from playwright.sync_api import expect

from tests.portal.flows import to_receipt
from tests.portal.records import conversation_id

pytestmark = pytest.mark.browser

BUNDLE = "婚育一件事"
PREFILLED = re.compile(r"预填|自动填好")
TOLD = re.compile(r"合并去重后需要您提交(\d+)项，(\d+)项政府已有免提交，(\d+)项办理中自动生成")


def one_count_of_materials(w) -> Dict[str, int]:
    """The newest notice: every place that counts the materials says the same numbers."""
    notice = w.cards("notice").last
    words = notice.locator("xpath=..").locator(":scope > .yjs-text").inner_text()
    told = dict(zip(("bring", "exempt", "produced"), map(int, TOLD.search(words).groups()), strict=True))
    notice.locator("summary").first.click() if notice.locator("details:not([open])").count() else None
    rows = {group: notice.locator(f".yjs-group-{group} .yjs-material").count() for group in told}
    titles = {group: notice.locator(f".yjs-group-{group} .yjs-group-title") for group in told}
    for group, n in told.items():
        assert rows[group] == n, f"{group}: the words say {n}, the card lists {rows[group]}"
        if n:
            expect(titles[group]).to_contain_text(f"（{n}）")
    expect(notice.locator("summary").first).to_have_text(f"一次性告知：材料清单，共 {told['bring']} 项需要您准备")
    expect(notice.locator(".yjs-summary").first).to_contain_text(
        f"需提交 {told['bring']} 项；{told['exempt']} 项免提交，{told['produced']} 项办理中生成")
    assert f"材料清单，共 {told['bring']} 项需要您准备" in w.announced()
    return told


def test_prefilled_only_when_it_was_and_signing_in_applies_it(person, view):
    w = person()
    before = w.bot_messages().count()
    w.page.get_by_role("button", name=f"在线导办：{BUNDLE}").click()
    w.wait_reply(before)
    sender = conversation_id(w)
    to_receipt(w, until=lambda page: page.cards("form").count())
    # Anonymous: nothing was filled in for them, and nothing says so.
    form = w.cards("form").last
    turn_words = form.locator("xpath=..").inner_text()
    assert not PREFILLED.search(turn_words), turn_words
    expect(form).to_contain_text("暂时没有能自动填写的内容")
    expect(form.locator(".yjs-source-identity, .yjs-source-e_licence")).to_have_count(0)
    anonymous = one_count_of_materials(w)
    assert anonymous["exempt"] == 0
    w.shot("anonymous-form")
    said = w.page.locator(".yjs-user").count()

    # Signed in mid-form: the same conversation, now with their prefill and 免提交.
    w.page.get_by_label("演示登录").select_option("demo-zhang-wei")
    expect(w.cards("notice")).to_have_count(2)
    expect(w.cards("form")).to_have_count(2)
    assert conversation_id(w) == sender
    expect(w.page.locator(".yjs-user")).to_have_count(said)  # no words put in their mouth
    assert not w.hidden_by_scroll(w.next_step())
    form = w.cards("form").last
    form.locator("summary").first.click() if form.locator("details:not([open])").count() else None
    expect(form).to_contain_text(re.compile(r"已自动填好 [1-9]\d*%"))
    expect(form.locator(".yjs-source-identity").first).to_be_visible()
    signed_in = one_count_of_materials(w)
    assert signed_in["exempt"] > 0 and signed_in["bring"] < anonymous["bring"] + anonymous["exempt"]
    w.shot("signed-in-form")
    assert not w.errors
