"""After the receipt, in the browser (issue #12, items 2 and 3): a submitted application is final
(上一步 and 修改答案 offer a new one, naming the receipt), the same person filing the same
bundle again that day is warned with the first receipt; 好差评 is recorded only from a rating
(a status question is answered as one), a 差评 asks what went wrong and takes the comment.
Whole stack, headless Chromium, in each view; what was recorded is read from the database."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.portal.flows import fresh_id_number, to_receipt, typed_value
from tests.portal.records import Records, conversation_id

pytestmark = pytest.mark.browser

BUNDLE = "水电气网联合报装一件事"  # the shortest to a receipt without signing in


def test_after_the_receipt_nothing_is_filed_or_rated_by_mistake(person, view, stack, catalogue):
    records = Records(stack)
    typed = typed_value(catalogue, fresh_id_number())  # a person who has filed nothing today
    w = person()
    before = w.bot_messages().count()
    w.page.get_by_role("button", name=f"在线导办：{BUNDLE}").click()
    w.wait_reply(before)
    sender = conversation_id(w)
    to_receipt(w, typed)
    receipt = w.cards("receipt").last.locator("dd").first.inner_text()
    assert re.fullmatch(r"YJS-\d{8}-[0-9A-Z]{6}", receipt)
    assert records.applications(sender) == [receipt]

    # Going back, or changing an answer: the application is final, a new one is offered.
    for tool in ("上一步", "修改答案"):
        w.tool(tool)
        expect(w.last_bot()).to_contain_text(f"这份申请已经提交了（受理编号 {receipt}）")
        expect(w.last_bot().get_by_role("button", name="重新办一份")).to_be_enabled()
        assert not w.hidden_by_scroll(w.next_step())
    w.shot("already-submitted")
    w.press("不用了")

    # The question the receipt suggests is a status question, not a rating.
    w.say("我的申请到哪一步了")
    expect(w.log).to_contain_text(f"受理编号 {receipt} 的办理进度")
    expect(w.log).not_to_contain_text("感谢您的评价")
    assert records.ratings(sender) == []
    # Two stars: a 差评 asks what went wrong; the words that follow are the comment.
    stars = w.page.locator(".yjs-stars").last.get_by_role("button", name="2 星")
    expect(stars).to_be_enabled()
    assert not w.hidden_by_scroll(stars)
    stars.click()
    expect(w.last_bot()).to_contain_text("能告诉我哪里没做好吗")
    w.say("等了太久希望快一点")
    expect(w.last_bot()).to_contain_text("您的意见我们会认真看")
    assert records.ratings(sender) == [{"stars": 2, "comment": None},
                                       {"stars": None, "comment": "等了太久希望快一点"}]
    w.shot("rated")

    # The same person files the same bundle again: warned with the first receipt, and nothing
    # is filed unless they say so.
    w.tool("上一步")
    w.press("重新办一份")
    to_receipt(w, typed, until=lambda page: page.last_bot().get_by_role("button", name="不提交了").count())
    expect(w.last_bot()).to_contain_text(f"今天已经用同一身份提交过“{BUNDLE}”（受理编号 {receipt}）")
    assert not w.hidden_by_scroll(w.next_step())
    w.shot("duplicate-warning")
    w.press("不提交了")
    expect(w.cards("receipt")).to_have_count(1)
    assert records.applications(sender) == [receipt]
    assert not w.errors and not w.csp_violations()
