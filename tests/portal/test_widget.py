"""The widget on the demo portal against the real bot (the whole stack), in headless Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.portal.flows import answer_question, fill_or_confirm, start_newborn_in_words

pytestmark = pytest.mark.browser
CONVERSATION_ID = "(JSON.parse(localStorage.getItem('yjs.session') || 'null') || {}).conversation_id"

def test_newborn_to_receipt_by_clicking(open_widget, stack):
    w = open_widget(stack.settings.portal_url).goto()
    w.page.get_by_label("演示登录").select_option("demo-zhang-wei")
    w.shot("portal-home")
    before = w.bot_messages().count()
    w.page.get_by_role("button", name="在线导办：新生儿出生一件事").click()
    w.wait_reply(before)
    expect(w.panel).to_be_visible()
    progress, edited = [], []
    for _ in range(40):
        if w.cards("receipt").count():
            break
        card = w.last_bot().locator(".yjs-card-question")
        if card.count():
            progress.append(int(card.locator("progress").get_attribute("value")))
            if len(progress) == 1:
                w.shot("newborn-question")
            answer_question(w, card)
        else:
            fill_or_confirm(w, edited)
    assert progress == sorted(progress) and len(progress) >= 3, progress
    expect(w.cards("bundle").first).to_contain_text("新生儿出生一件事")
    notice = w.cards("notice").first
    # Logged in: the e-licences the person holds are not asked for.
    expect(notice.locator(".yjs-group-exempt")).to_contain_text("电子证照")
    expect(notice.locator(".yjs-group-produced")).to_contain_text("出生医学证明")
    form = w.cards("form").last
    expect(form.locator(".yjs-source-identity").first).to_be_visible()
    expect(form).to_contain_text("张小明")
    phone = form.locator(".yjs-field", has_text="联系电话")
    expect(phone.locator(".yjs-source-applicant")).to_be_visible()
    receipt = w.cards("receipt").last
    expect(receipt).to_contain_text(re.compile(r"YJS-\d{8}-[0-9A-Z]{6}"))
    w.shot("newborn-receipt")
    w.press("5 星")
    expect(w.last_bot()).to_contain_text("5星")

    if notice.locator("details.yjs-fold[open]").count() == 0:
        notice.locator("summary").click()
    with w.page.context.expect_page() as opened:
        notice.get_by_role("link", name="打开可打印的一次性告知单").click()
    page = opened.value
    expect(page.locator("#bundle-name")).to_have_text("新生儿出生一件事")
    expect(page.locator("#materials h3").first).to_be_visible()
    expect(page.locator("#items tr").first).to_be_visible()
    page.screenshot(path=str(w.artifacts / "newborn-notice-page.png"), full_page=True)
    assert not w.errors and not w.csp_violations()


def test_free_text_path_with_back_and_change(open_widget, stack):
    w = open_widget(stack.settings.portal_url).goto().open()
    w.say("我家孩子刚出生，要办哪些手续")
    expect(w.page.locator(".yjs-log")).to_contain_text("新生儿出生")
    if not w.last_bot().locator(".yjs-card-question").count():
        w.say("对")  # confirming the suggested bundle in words
    first = w.last_bot().locator(".yjs-card-question")
    expect(first).to_be_visible()
    first_id = first.get_attribute("data-question-id")
    w.say("是的，在本市医院生的")
    second = w.last_bot().locator(".yjs-card-question")
    expect(second).to_be_visible()
    assert second.get_attribute("data-question-id") != first_id
    w.tool("上一步")
    back = w.last_bot().locator(".yjs-card-question")
    expect(back).to_have_attribute("data-question-id", first_id)
    w.shot("free-text")
    w.tool("重新开始")
    expect(w.last_bot()).to_contain_text("重新开始")


def test_large_text_mode_is_bigger_and_persists(open_widget, stack):
    w = open_widget(stack.settings.portal_url).goto().open()
    w.press("浏览服务目录")
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    normal = w.last_bot().locator(".yjs-text").evaluate(size)
    w.page.get_by_role("button", name="大字高对比模式").click()
    toggle = w.page.get_by_role("button", name="大字高对比模式")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    large = w.last_bot().locator(".yjs-text").evaluate(size)
    assert large >= 20 and large > normal * 1.2
    too_small = w.in_shadow("""root => [...root.querySelectorAll('button')]
        .filter(b => b.offsetParent !== null).map(b => b.getBoundingClientRect())
        .filter(r => r.height < 44 || r.width < 44).length""")
    assert too_small == 0
    w.shot("large-text")
    w.page.reload()
    w.open()
    assert w.last_bot().locator(".yjs-text").evaluate(size) == large


def test_reload_continues_the_same_conversation(open_widget, stack):
    w = open_widget(stack.settings.portal_url).goto().open()
    start_newborn_in_words(w, "孩子出生了")
    answer_question(w, w.last_bot().locator(".yjs-card-question"))
    sender = w.page.evaluate(CONVERSATION_ID)
    shown = w.log_text()
    question = w.last_bot().locator(".yjs-card-question").get_attribute("data-question-id")
    w.page.reload()
    expect(w.panel).to_be_visible()  # it was open: it reopens
    assert w.log_text() == shown
    assert w.page.evaluate(CONVERSATION_ID) == sender
    answer_question(w, w.last_bot().locator(".yjs-card-question"))
    after = w.last_bot().locator(".yjs-card-question")
    assert after.get_attribute("data-question-id") not in (None, question)  # the bot remembered
    w.shot("reload-continuity")


def test_html_from_the_person_is_shown_as_inert_text(open_widget, stack):
    w = open_widget(stack.settings.portal_url).goto().open()
    attacks = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>"]
    for attack in attacks:
        w.say(attack)
        expect(w.page.locator(".yjs-user .yjs-text").last).to_have_text(attack)
    assert w.in_shadow("root => root.querySelectorAll('.yjs-log img, .yjs-log script').length") == 0
    w.page.wait_for_timeout(300)
    assert w.dialogs == [] and not w.errors
    w.shot("xss-inert")


def test_keyboard_only(open_widget, stack):
    w = open_widget(stack.settings.portal_url).goto()
    focused = """() => {
        const host = document.activeElement;
        const inner = host && host.shadowRoot && host.shadowRoot.activeElement;
        return inner ? inner.className : (host && host.id) || '';
    }"""
    for _ in range(150):
        w.page.keyboard.press("Tab")
        if "yjs-bubble" in w.page.evaluate(focused):
            break
    else:
        pytest.fail("Tab never reached the chat bubble")
    w.page.keyboard.press("Enter")
    expect(w.panel).to_be_visible()
    expect(w.input).to_be_focused()
    before = w.bot_messages().count()
    w.page.keyboard.type("孩子出生了")
    w.page.keyboard.press("Enter")
    w.wait_reply(before)
    expect(w.page.locator(".yjs-user .yjs-text").last).to_have_text("孩子出生了")
    # Tab from the input reaches the send button; Shift+Tab goes back through the toolbar.
    w.page.keyboard.press("Shift+Tab")
    assert "yjs-tool" in w.page.evaluate(focused)
    w.shot("keyboard")
    w.page.keyboard.press("Escape")
    expect(w.panel).to_be_hidden()
    assert "yjs-bubble" in w.page.evaluate(focused)


def test_works_at_360px_without_horizontal_scroll(open_widget, stack):
    w = open_widget(stack.settings.portal_url, width=360, height=740).goto()
    expect(w.page.locator(".bundle-card").first).to_be_visible()
    no_scroll = "() => document.documentElement.scrollWidth <= window.innerWidth"
    assert w.page.evaluate(no_scroll)
    w.shot("mobile-360-portal", full_page=True)
    w.open()
    box = w.panel.bounding_box()
    assert box["x"] >= 0 and box["width"] <= 360
    w.say("孩子出生了，" + "要办什么" * 80)
    assert w.page.evaluate(no_scroll)
    assert w.in_shadow("root => { const log = root.querySelector('.yjs-log');"
                       " return log.scrollWidth <= log.clientWidth; }")
    w.shot("mobile-360-chat")
