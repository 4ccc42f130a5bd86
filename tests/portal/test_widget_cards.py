"""Every message-contract type rendered from canned replies (tests/portal/contract_samples.json).

The fake REST channel makes each card appear on demand, including ones the real bot shows
rarely (a commitment material, a hand-off); tests/portal/test_widget.py covers the real bot."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NEWBORN = '/choose_bundle{"bundle_id":"newborn"}'


def to_summary(w) -> None:
    """Browse → newborn → father's hukou → birth date: the turn with summary, notice and form."""
    w.goto().open()
    w.press("浏览服务目录")
    w.press("新生儿出生一件事")
    w.press("本市户口")
    card = w.cards("question").last
    card.locator("input[type=date]").fill("2026-11-10")
    before = w.bot_messages().count()
    card.get_by_role("button", name="确定").click()
    w.wait_reply(before)


def test_question_card_has_options_progress_and_why(open_widget, fake_portal, fake_rasa):
    w = open_widget(fake_portal.url).goto().open()
    w.press("浏览服务目录")
    choice = w.cards("choice").last
    expect(choice.get_by_role("button", name="新生儿出生一件事")).to_be_visible()
    w.press("新生儿出生一件事")
    card = w.cards("question").last
    expect(card).to_have_attribute("data-question-id", "father_hukou")
    expect(card.locator("progress")).to_have_attribute("max", "7")
    expect(card.locator("progress")).to_have_attribute("value", "3")
    expect(card).to_contain_text("第 4 步，最多还有 4 步")
    card.get_by_text("为什么问这个？").click()
    expect(card).to_contain_text("孩子可以随父亲或母亲落户")
    # The question text is not repeated as a separate bubble above the card.
    expect(w.last_bot().locator(":scope > .yjs-text")).to_have_count(0)
    w.shot("cards-question")
    w.press("本市户口")
    answer = '/answer{"question_id":"father_hukou","value":"local"}'
    assert fake_rasa.received[-1]["message"] == answer
    assert fake_rasa.received[-1]["metadata"] == {"channel": "web"}
    expect(w.page.locator(".yjs-user .yjs-text").last).to_have_text("本市户口")


def test_summary_notice_and_form_cards(open_widget, fake_portal, fake_rasa):
    w = open_widget(fake_portal.url)
    to_summary(w)
    answer = '/answer{"question_id":"child_birth_date","value":"2026-11-10"}'
    assert fake_rasa.received[-1]["message"] == answer
    bundle = w.cards("bundle").last
    expect(bundle).to_contain_text("新生儿出生一件事")
    expect(bundle.locator(".yjs-items > li")).to_have_count(7)
    expect(bundle).to_contain_text("出生登记（户口申报）")
    expect(bundle).to_contain_text("公安户政窗口")
    notice = w.cards("notice").last
    # With the form right after it in the same turn, the notice is folded: one tap opens it.
    expect(notice.locator("details.yjs-fold")).not_to_have_attribute("open", "")
    notice.locator("summary").click()
    for title in ("需要您准备", "免提交", "过程材料"):
        expect(notice.locator(".yjs-group-title", has_text=title)).to_have_count(1)
    # 容缺 and 告知承诺 are marks on what the person brings, counted with it once.
    bring = notice.locator(".yjs-group-bring")
    expect(bring).to_contain_text("可容缺受理")
    expect(bring).to_contain_text("可告知承诺")
    expect(notice).to_contain_text("已调取：结婚证电子证照")
    expect(notice).to_contain_text("由“出生医学证明首次签发”生成")
    expect(notice).to_contain_text("原件 1 份")
    # The checklist remembers what the person has ticked.
    ticked = "已备好：非婚生育情况说明"
    box = notice.get_by_role("checkbox", name=ticked)
    box.check()
    form = w.cards("form").last
    expect(form).to_contain_text("已自动填好")
    expect(form.locator(".yjs-source-identity").first).to_have_text("实名信息")
    expect(form.locator(".yjs-field-missing").first).to_contain_text("待填写")
    # Only the first line of a card's plain-text copy is shown above the card.
    expect(w.page.locator(".yjs-text", has_text="【一次性告知】")).not_to_contain_text("1. …")
    w.shot("cards-summary")
    w.page.reload()
    w.cards("notice").last.locator("summary").click()
    expect(w.cards("notice").last.get_by_role("checkbox", name=ticked)).to_be_checked()


def test_editing_a_form_field_sends_correct_field(open_widget, fake_portal, fake_rasa):
    w = open_widget(fake_portal.url)
    to_summary(w)
    form = w.cards("form").last
    form.locator("summary").click()  # folded: the notice and the form came in one turn
    form.get_by_role("button", name="修改“新生儿姓名”").click()
    editor = form.get_by_role("textbox", name="新生儿姓名")
    expect(editor).to_be_focused()
    editor.fill("张小明")
    before = w.bot_messages().count()
    editor.press("Enter")
    w.wait_reply(before)
    sent = fake_rasa.received[-1]["message"]
    assert sent.startswith("/correct_field{")
    assert json.loads(sent[len("/correct_field"):]) == {"field_id": "child_name", "value": "张小明"}
    expect(w.page.locator(".yjs-user .yjs-text").last).to_have_text("新生儿姓名改成张小明")


def test_receipt_rating_and_handoff(open_widget, fake_portal, fake_rasa):
    w = open_widget(fake_portal.url)
    to_summary(w)
    w.press("都对，提交")
    receipt = w.cards("receipt").last
    expect(receipt).to_contain_text("YJS-20261121-7K3F9Q")
    expect(receipt).to_contain_text("已提交")
    expect(receipt.locator(".yjs-steps li")).to_have_count(2)
    stars = w.page.locator(".yjs-stars").last.get_by_role("button")
    expect(stars).to_have_count(5)
    # Left to right, 1 to 5, and each names its rating for screen readers.
    labels = [stars.nth(i).get_attribute("aria-label") for i in range(5)]
    assert labels == [f"{n} 星" for n in range(1, 6)]
    w.shot("cards-receipt")
    w.press("4 星")
    assert fake_rasa.received[-1]["message"] == '/rate{"rating":4}'
    w.tool("转人工")
    assert fake_rasa.received[-1]["message"] == "/ask_human"
    expect(w.cards("handoff").last).to_contain_text("已为您转接人工服务")
    w.shot("cards-handoff")


def test_toolbar_sends_the_fixed_payloads(open_widget, fake_portal, fake_rasa):
    w = open_widget(fake_portal.url).goto().open()
    for title, payload in (("上一步", "/go_back"), ("修改答案", "/change_answer"),
                           ("重新开始", "/start_over"), ("服务目录", "/ask_browse")):
        w.tool(title)
        assert fake_rasa.received[-1]["message"] == payload


def test_signing_in_or_out_keeps_the_conversation_and_rebinds_its_session(open_widget, fake_portal, fake_rasa):
    w = open_widget(fake_portal.url).goto()
    w.page.get_by_label("演示登录").select_option("demo-li-na")
    w.open().say("你好")
    first = fake_rasa.received[-1]
    assert (first["identity_token"], first["metadata"]) == ("demo-li-na", {"channel": "web"})
    w.page.get_by_label("演示登录").select_option("")
    # Signing out re-binds the session and refreshes the current step without a word shown.
    for _ in range(100):
        if fake_rasa.received[-1]["message"] == "/resume":
            break
        w.page.wait_for_timeout(50)
    assert fake_rasa.received[-1]["identity_token"] == ""
    w.say("你好")
    expect(w.page.locator(".yjs-user")).to_have_count(2)  # the same conversation goes on
    assert (fake_rasa.received[-1]["identity_token"], fake_rasa.received[-1]["sender"]) == ("", first["sender"])


def test_no_send_while_an_ime_is_composing(open_widget, fake_portal, fake_rasa):
    w = open_widget(fake_portal.url).goto().open()
    count = len(fake_rasa.received)
    w.input.fill("xin sheng er")
    w.input.dispatch_event("compositionstart")
    w.input.press("Enter")  # choosing a candidate with Enter must not send
    w.input.evaluate("el => el.dispatchEvent(new KeyboardEvent('keydown',"
                     " {key: 'Enter', isComposing: true, bubbles: true}))")
    w.page.wait_for_timeout(300)
    assert len(fake_rasa.received) == count
    w.input.fill("新生儿")
    w.input.dispatch_event("compositionend")
    before = w.bot_messages().count()
    w.input.press("Enter")
    w.wait_reply(before)
    assert fake_rasa.received[-1]["message"] == "新生儿"
    expect(w.input).to_have_value("")


def test_the_summary_lists_each_place_to_go_and_names_per_person_copies(open_widget, fake_portal):
    """Three places, one trip each, never "最多跑一趟"; both parents' ID cards named as theirs."""
    w = open_widget(fake_portal.url, width=360, height=740)
    to_summary(w)
    bundle = w.cards("bundle").last
    expect(bundle.locator(".yjs-summary")).to_contain_text("需跑3个地方，每处最多一趟")
    expect(bundle).not_to_contain_text("最多跑一趟")
    sites = bundle.locator(".yjs-sites > li")
    expect(sites).to_have_count(3)
    expect(sites.first).to_contain_text("孩子出生的医院")
    expect(sites.first).to_contain_text("出生医学证明首次签发")
    expect(sites.last).to_contain_text("崔寨大街1号")
    w.cards("notice").last.locator("summary").click()
    expect(w.cards("notice").last.locator(".yjs-material-name", has_text="父母双方的居民身份证")).to_have_count(1)
    assert w.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    sites.first.scroll_into_view_if_needed()
    w.shot("cards-bundle-sites-360")


def test_printable_notice_page(open_widget, fake_portal):
    w = open_widget(fake_portal.url)
    to_summary(w)
    w.cards("notice").last.locator("summary").click()
    with w.page.context.expect_page() as opened:
        w.cards("notice").last.get_by_role("link", name="打开可打印的一次性告知单").click()
    notice = opened.value
    notice.wait_for_load_state()
    expect(notice.locator("#bundle-name")).to_have_text("新生儿出生一件事")
    expect(notice.locator("#items tr")).to_have_count(7)
    expect(notice.locator("#items")).to_contain_text("公安户政窗口")
    expect(notice.locator("#materials h3")).to_have_count(5)
    expect(notice.locator("#summary")).to_contain_text("需跑3个地方，每处最多一趟")
    notice.screenshot(path=str(w.artifacts / "notice-page.png"), full_page=True)
    notice.emulate_media(media="print")
    expect(notice.locator(".actions")).to_be_hidden()
    notice.pdf(path=str(w.artifacts / "notice.pdf"), format="A4")
    assert (w.artifacts / "notice.pdf").stat().st_size > 10_000


def test_notice_page_without_data_says_so(open_widget, fake_portal):
    w = open_widget(fake_portal.url)
    w.page.goto(fake_portal.url + "/notice")
    expect(w.page.locator("#empty")).to_be_visible()
    w.page.goto(fake_portal.url + "/notice#%7Bbroken")
    expect(w.page.locator("#empty")).to_be_visible()
    assert not w.errors


def test_one_script_tag_on_another_sites_page(open_widget, fake_portal, fake_rasa):
    """A host page on another origin (the fake's port): the widget loads its parts and styles
    from the portal and still reaches the bot."""
    fake_rasa.host_page = (
        "<!doctype html><title>host</title><h1>host</h1>"
        f'<script src="{fake_portal.url}/static/widget/widget.js" '
        f'data-rasa-url="{fake_rasa.url}" defer></script>')
    w = open_widget(fake_rasa.url).goto().open()
    w.press("浏览服务目录")
    w.press("新生儿出生一件事")
    expect(w.cards("question").last).to_be_visible()
    assert w.bubble.evaluate("b => getComputedStyle(b).position") == "fixed"  # widget.css applied
    assert fake_rasa.received[-1]["metadata"] == {"channel": "web"}
