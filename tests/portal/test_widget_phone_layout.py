"""Phones and 长者模式 (issue #12, item 6): no horizontal overflow at 320 and 414 px in either mode
(the page and every card of the widget); the open panel never hides the page's own login and
长者模式 controls and still leaves a chat to use; 新对话 and 重新开始 ask before wiping anything.
Headless Chromium: cards from canned replies (fake REST channel) for the widths, the whole stack
in each view for the rest."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.portal.conftest import ARTIFACTS
from tests.portal.flows import answer_question, start_newborn_in_words
from tests.portal.records import Records, conversation_id
from tests.portal.test_widget_cards import to_summary

pytestmark = pytest.mark.browser

# Elements of the widget wider than its panel or past the window's edge (zero-size ones, in a
# folded card, and the 1 px screen-reader labels, clipped to nothing, do not count).
OVERFLOWING = """root => {
  const panel = root.querySelector('.yjs-panel').getBoundingClientRect();
  const right = Math.min(panel.right, window.innerWidth) + 0.5, left = Math.max(panel.left, 0) - 0.5;
  return [...root.querySelectorAll('.yjs-panel *')].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && (r.right > right || r.left < left);
  }).map((el) => el.className || el.tagName).slice(0, 5);
}"""
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.mark.parametrize("width", [320, 414])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_no_horizontal_overflow_on_narrow_phones(open_widget, fake_portal, width, large):
    w = open_widget(fake_portal.url, width=width, height=740).goto()
    w.artifacts = ARTIFACTS / f"{width}{'-large' if large else ''}"
    if large:
        w.page.locator("#elder-mode").click()
    page_width, window = w.page.evaluate(PAGE_WIDTH)
    assert page_width <= window, f"the page is {page_width}px wide in a {window}px window"
    to_summary(w)  # the bundle, notice and form cards
    for card in ("notice", "form"):
        w.cards(card).last.locator("summary").first.click()  # unfolded: every row laid out
    assert w.in_shadow(OVERFLOWING) == []
    w.shot("cards-unfolded", full_page=False)
    w.press("都对，提交")  # receipt and stars
    w.tool("转人工")  # the hand-off card
    assert w.in_shadow(OVERFLOWING) == []
    page_width, window = w.page.evaluate(PAGE_WIDTH)
    assert page_width <= window
    header = w.page.locator(".yjs-header .yjs-btn")
    for i in range(header.count()):  # the panel's title bar: 大字, 新对话, × all on screen
        box = header.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= window
    w.shot("receipt-and-handoff")


def controls_are_usable(w, view) -> None:
    """The page's login and 长者模式 controls on screen, not under the panel; the chat below them
    still a chat (a third of the screen at least)."""
    panel = w.panel.bounding_box()
    for selector in ("#demo-login", "#elder-mode"):
        control = w.page.locator(selector)
        box = control.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= view.height, f"{selector} is off screen"
        covered = (box["x"] < panel["x"] + panel["width"] and panel["x"] < box["x"] + box["width"]
                   and box["y"] < panel["y"] + panel["height"] and panel["y"] < box["y"] + box["height"])
        assert not covered, f"the panel covers {selector}"
        on_top = control.evaluate("el => { const r = el.getBoundingClientRect();"
                                  " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === el; }")
        assert on_top, f"something covers {selector}"
    log = w.log.bounding_box()
    assert log["height"] >= view.height / 3, f"only {log['height']:.0f}px of chat"


def test_the_panel_never_hides_the_page_s_own_controls(person, view):
    w = person().open()
    controls_are_usable(w, view)
    start_newborn_in_words(w, "孩子出生了")
    assert not w.hidden_by_scroll(w.next_step())
    w.shot("controls-visible")
    # 长者模式 switched (off, then on again) with the chat open: the page's header changes size.
    for _ in range(2):
        w.page.locator("#elder-mode").click()
        controls_are_usable(w, view)
        assert not w.hidden_by_scroll(w.next_step())
    # The login works from there: the conversation goes on (the widget refreshes the question).
    before = w.bot_messages().count()
    w.page.get_by_label("演示登录").select_option("demo-zhang-wei")
    w.wait_reply(before)
    answer_question(w, w.last_bot().locator(".yjs-card-question"))
    controls_are_usable(w, view)
    w.page.reload()
    expect(w.panel).to_be_visible()
    controls_are_usable(w, view)
    assert not w.hidden_by_scroll(w.next_step())


def test_new_conversation_and_start_over_ask_before_wiping(person, view, stack):
    records = Records(stack)
    w = person().open()
    start_newborn_in_words(w, "孩子出生了")
    answer_question(w, w.last_bot().locator(".yjs-card-question"))
    sender = conversation_id(w)
    answers = records.answers(sender)
    shown = w.page.locator(".yjs-user").count()

    # 新对话 asks in the panel (never a browser dialog); 取消 keeps everything.
    w.page.get_by_role("button", name="开始一个新对话（清空当前记录）").click()
    confirm = w.page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("清空这里的全部记录")
    expect(confirm.get_by_role("button", name="取消")).to_be_focused()
    assert confirm.bounding_box()["y"] + confirm.bounding_box()["height"] <= view.height
    w.shot("new-conversation-asks")
    confirm.get_by_role("button", name="取消").click()
    expect(confirm).to_be_hidden()
    expect(w.page.locator(".yjs-user")).to_have_count(shown)

    # 重新开始 asks too, naming what would be lost; 不了 goes on with every answer kept.
    asked = w.last_bot().locator(".yjs-card-question").get_attribute("data-question-id")
    w.tool("重新开始")
    expect(w.last_bot()).to_contain_text("重新开始会清空您在“新生儿出生一件事”里已经回答和填写的内容")
    assert not w.hidden_by_scroll(w.next_step())
    w.press("不了，继续办")
    expect(w.last_bot().locator(".yjs-card-question")).to_have_attribute("data-question-id", asked)
    assert records.answers(sender) == answers

    # Confirmed, 新对话 starts afresh: nothing shown, a new conversation.
    w.page.get_by_role("button", name="开始一个新对话（清空当前记录）").click()
    confirm.get_by_role("button", name="确定").click()
    expect(w.page.locator(".yjs-user")).to_have_count(0)
    w.say("你好")
    assert conversation_id(w) != sender
    assert records.answers(sender) == answers  # the old conversation is as it was
    assert not w.dialogs and not w.errors
