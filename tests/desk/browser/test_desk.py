"""The desk and the widget in Debian chromium, each in its own browser context (the citizen's
computer and the agent's), against the whole stack: 转人工 appears on the desk, the agent takes over,
messages go both ways, the bot stays silent, give back resumes the question; a caller guided to a
receipt; sign-in lockout, a citizen kept out, the audit of unmasked views; the bad inputs (a closed
tab, two agents at once, a citizen who leaves); a newcomer taking over their own conversation."""

from __future__ import annotations

import json
import re
import sqlite3
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from bot.db import Database
from bot.desk.accounts import ensure_demo_agent
from bot.sealing import Sealer
from tests.conversation.driver import valid_id_number, value_for
from tests.desk.conftest import stack_staff
from tests.portal.flows import answer_question, start_newborn_in_words

pytestmark = pytest.mark.browser

# That they arrive, not how fast: the 2 s and 1 s targets are measured in bench/desk.py (a timed
# test on a shared machine fails for the machine's load, not for the product).
QUEUE_WITHIN_MS = 10_000  # 转人工 in the widget appears on the desk
MESSAGE_WITHIN_MS = 10_000  # messages arrive both ways
CALLER = "13800001234"


def _citizen_waiting(open_widget, stack):
    """A citizen in the widget, one answer into the newborn questionnaire, who pressed 转人工."""
    w = open_widget(stack.settings.portal_url).goto()
    w.open()
    start_newborn_in_words(w, "孩子刚出生要办什么")
    answer_question(w, w.last_bot().locator(".yjs-card-question"))
    pending = w.last_bot().locator(".yjs-card-question").get_attribute("data-question-id")
    w.tool("转人工")
    expect(w.cards("handoff").last).to_have_attribute("data-state", "waiting")
    expect(w.cards("handoff").last).to_contain_text("前面还有")
    return w, w.page.evaluate("window.YJSWidget.chat.store.sender"), pending


def _pushed(w, text: str):
    return w.page.locator(".yjs-log > .yjs-pushed").filter(has_text=text)


def test_an_agent_takes_over_a_widget_conversation_and_gives_it_back(open_widget, desk_page, stack) -> None:
    agent = stack_staff(stack)
    desk = desk_page(stack.settings.portal_url).signed_in(agent.login)
    w, sender, pending = _citizen_waiting(open_widget, stack)

    expect(desk.queue_row(sender)).to_be_visible(timeout=QUEUE_WITHIN_MS)
    expect(desk.queue_row(sender)).to_contain_text("新生儿")  # the bundle and answers so far
    desk.take(sender)
    expect(_pushed(w, f"工作人员{agent.staff_id}号为您服务")).to_be_visible(timeout=MESSAGE_WITHIN_MS)
    # The person's old buttons no longer apply: the agent answers now.
    expect(w.page.locator(".yjs-log .yjs-card-question .yjs-options button").first).to_be_disabled()
    w.shot("desk-taken-widget")

    desk.send("您好，我是工作人员，我来帮您。")
    expect(w.page.locator(".yjs-log > .yjs-agent").last).to_contain_text("我来帮您", timeout=MESSAGE_WITHIN_MS)

    bot_before = w.bot_messages().count()
    w.input.fill("出生医学证明在哪里开？")
    w.input.press("Enter")
    expect(w.page.locator(".yjs-pending")).to_have_count(0, timeout=60_000)  # delivered; nothing came back
    expect(desk.transcript.locator(".line-person").last).to_contain_text("出生医学证明在哪里开",
                                                                         timeout=MESSAGE_WITHIN_MS)
    desk.shot("desk-taken")
    w.page.wait_for_timeout(1500)
    assert w.bot_messages().count() == bot_before  # the bot stayed silent
    assert "出生医学证明在哪里开" not in json.dumps(_stored_answers(stack, sender), ensure_ascii=False)

    desk.give_back()
    expect(w.cards("handoff").last).to_have_attribute("data-state", "bot", timeout=5_000)
    again = w.page.locator(f'.yjs-log .yjs-card-question[data-question-id="{pending}"]').last
    expect(again.get_by_role("button").last).to_be_enabled(timeout=5_000)
    w.shot("desk-given-back-widget")
    assert not (w.errors or desk.errors or w.csp_violations() or desk.csp_violations())


def _stored_answers(stack, sender: str) -> dict:
    """As saved (Playwright's own event loop runs in this thread: a plain blocking read)."""
    from sqlalchemy import select

    from bot.db.tables import conversations

    db = Database(stack.settings.db_url)
    try:
        state = db.call(lambda conn: conn.execute(select(conversations.c.state).where(
            conversations.c.conversation_id == sender)).scalar())
        return json.loads(Sealer.from_settings(stack.settings).open(state))["answers"]
    finally:
        db.close()


def test_an_agent_guides_a_caller_from_need_to_receipt(desk_page, stack, catalogue) -> None:
    agent = stack_staff(stack)
    desk = desk_page(stack.settings.portal_url).signed_in(agent.login)
    page = desk.page
    page.get_by_label("来电号码").fill(CALLER)
    page.get_by_label("称呼（来电人自称）").fill("王大爷")
    page.get_by_role("button", name="开始代办").click()
    expect(page.locator("#talk-state")).to_have_text("我在接待")
    expect(desk.context.locator(".ctx-pending")).to_be_visible()
    desk.answer("老人想办退休")
    expect(desk.context.locator(".ctx-bundle")).to_contain_text("还没说要办什么")  # confirming, not yet chosen
    typed = {"applicant_name": "王建国", "applicant_id_number": valid_id_number("37010219640115001")}
    for _ in range(60):
        stage = desk.stage()
        if stage == "consent":
            break
        choices = desk.context.locator(".ctx-pending .choices button")
        if stage == "reviewing":
            desk.press_choice("确认无误")
        elif stage == "filling" and not choices.count():
            field_id = desk.context.get_attribute("data-pending-field")
            desk.answer(typed.get(field_id) or value_for(catalogue.fields[field_id]))
        elif choices.count():
            desk.press_choice()
        else:
            desk.answer("2026年11月10日")
    assert desk.stage() == "consent"
    expect(desk.context.locator(".ctx-bundle")).to_contain_text("职工退休一件事")

    notice = desk.context.locator(".ctx-notice")
    notice.get_by_role("button", name="短信发送告知单").click()
    expect(desk.notice).to_contain_text("短信已发到 138****1234")
    # An unmasked view, on purpose: recorded in the audit log.
    id_field = desk.context.locator('.ctx-form li[data-field-id="applicant_id_number"]')
    id_field.get_by_role("button", name="显示“申请人身份证号码”").click()
    expect(id_field).to_contain_text(typed["applicant_id_number"])

    submit = desk.context.locator(".ctx-submit")
    submit.get_by_label("群众怎样同意的").select_option("phone_verbal_recorded")
    submit.get_by_role("button", name="代为提交").click()
    expect(desk.notice).to_contain_text(re.compile(r"已代为提交，受理编号 YJS-\d{8}-[0-9A-Z]{6}"))
    receipt = re.search(r"YJS-\d{8}-[0-9A-Z]{6}", desk.notice.inner_text()).group(0)
    expect(desk.context.locator(".ctx-receipt")).to_contain_text(receipt)
    desk.shot("desk-guided-receipt")

    inbox = requests.get(f"{stack.settings.portal_url}/dev/sms/messages", params={"phone": CALLER}).json()["messages"]
    texts = [m["text"] for m in inbox]
    notice_sms = next(t for t in texts if "一次性告知单" in t and "职工退休一件事" in t)
    assert any(receipt in t and f"{agent.staff_id}号" in t for t in texts)
    link = re.search(r"http://\S+/n/[\w-]+", notice_sms).group(0)
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/notice#"))
    expect(page.locator("#bundle-name")).to_have_text("职工退休一件事")

    body = _intake_body(stack, receipt)
    assert (body["proxy"], body["channel"]) == (
        {"agent_id": agent.staff_id, "consent_method": "phone_verbal_recorded"}, "agent")
    assert not (desk.errors or desk.csp_violations())


def _intake_body(stack, receipt_no: str) -> dict:
    path = urlsplit(stack.settings.intake_db_url.replace("sqlite:///", "file:///")).path
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT body FROM applications WHERE receipt_no = ?", (receipt_no,)).fetchone()
    return json.loads(Sealer.from_settings(stack.settings).open(row[0]))


def test_wrong_passwords_lock_and_a_citizen_cannot_open_the_desk(open_widget, desk_page, stack) -> None:
    agent = stack_staff(stack)
    desk = desk_page(stack.settings.portal_url)
    for n in range(5):
        desk.sign_in(agent.login, f"wrong-password-{n}")
    expect(desk.page.locator("#e-locked")).to_be_visible()
    desk.sign_in(agent.login)  # the right password, too late
    expect(desk.page.locator("#e-locked")).to_be_visible()
    desk.shot("desk-locked")

    citizen = open_widget(stack.settings.portal_url).goto()
    citizen.open()
    citizen.say("你好")
    citizen.page.goto(f"{stack.settings.portal_url}/desk")
    expect(citizen.page).to_have_url(re.compile(r"/desk/login$"))
    statuses = citizen.page.evaluate("""async () => Promise.all([
        fetch('/desk/api/overview').then(r => r.status),
        fetch('/desk/api/stats').then(r => r.status),
        fetch('/desk/api/guided', {method: 'POST', body: '{}'}).then(r => r.status)])""")
    assert statuses == [401, 401, 401]


def test_every_unmasked_view_is_in_the_supervisor_s_audit_log(desk_page, stack) -> None:
    agent = stack_staff(stack)
    chief = stack_staff(stack, role="supervisor")
    desk = desk_page(stack.settings.portal_url).signed_in(agent.login)
    desk.page.get_by_label("来电号码").fill("13900006666")
    desk.page.get_by_role("button", name="开始代办").click()
    expect(desk.page.locator("#talk-state")).to_have_text("我在接待")
    board = desk_page(stack.settings.portal_url).signed_in(chief.login)
    board.page.get_by_role("tab", name="督办看板").click()
    expect(board.page.locator("#audit-rows")).to_contain_text("start_guided")
    assert "13900006666" not in board.page.locator("#audit-rows").inner_text()
    # The agent shows the caller's number (they are about to call back): the supervisor sees that.
    # "My conversations" is refreshed by the desk's polling, after the talk's own state.
    expect(desk.page.locator("#mine li")).to_have_count(1)
    shown = desk.page.evaluate("""async () => {
        const csrf = document.querySelector('meta[name="desk-csrf"]').content;
        const id = document.querySelector('#mine li').dataset.conversationId;
        const r = await fetch('/desk/api/conversations/' + id + '/reveal', {method: 'POST',
            headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
            body: JSON.stringify({what: 'caller_phone'})});
        return (await r.json()).value; }""")
    assert shown == "13900006666"
    rows = board.page.locator("#audit-rows tr").filter(has_text="reveal")
    expect(rows.first).to_contain_text(agent.staff_id, timeout=10_000)
    expect(rows.first).to_contain_text("caller_phone")
    board.shot("desk-supervisor")


def test_an_agent_who_closes_the_tab_loses_the_conversation_back_to_the_queue(open_widget, desk_page, stack) -> None:
    gone, other = stack_staff(stack), stack_staff(stack)
    leaving = desk_page(stack.settings.portal_url).signed_in(gone.login)
    staying = desk_page(stack.settings.portal_url).signed_in(other.login)
    w, sender, _ = _citizen_waiting(open_widget, stack)
    leaving.take(sender)
    expect(_pushed(w, f"工作人员{gone.staff_id}号为您服务")).to_be_visible()
    leaving.page.context.close()
    told = _pushed(w, f"工作人员{gone.staff_id}号的连接断开了")
    expect(told).to_be_visible(timeout=30_000)
    expect(w.cards("handoff").last).to_have_attribute("data-state", "waiting")
    expect(staying.queue_row(sender)).to_be_visible(timeout=QUEUE_WITHIN_MS)
    staying.take(sender)
    expect(_pushed(w, f"工作人员{other.staff_id}号为您服务")).to_be_visible()


def test_of_two_agents_taking_the_same_conversation_one_wins_and_the_other_is_told(
        open_widget, desk_page, stack) -> None:
    first, second = stack_staff(stack), stack_staff(stack)
    a = desk_page(stack.settings.portal_url).signed_in(first.login)
    b = desk_page(stack.settings.portal_url).signed_in(second.login)
    _, sender, _ = _citizen_waiting(open_widget, stack)
    expect(a.queue_row(sender)).to_be_visible()
    expect(b.queue_row(sender)).to_be_visible()
    # B's screen stops refreshing (both look at the same moment); A takes first; then B presses 接入.
    b.page.route(re.compile(r"/desk/api/(overview|conversations/[^/]+\?)"), lambda route: route.abort())
    a.take(sender)
    b.queue_row(sender).get_by_role("button", name=re.compile("^接入")).click()
    expect(b.notice).to_have_text(f"该对话已由 {first.staff_id} 号接入。")
    b.shot("desk-taken-by-another")


def test_a_citizen_who_leaves_is_shown_as_gone_on_the_desk(open_widget, desk_page, stack) -> None:
    agent = stack_staff(stack)
    desk = desk_page(stack.settings.portal_url).signed_in(agent.login)
    w, sender, _ = _citizen_waiting(open_widget, stack)
    row = desk.queue_row(sender)
    expect(row).to_be_visible()
    expect(row).not_to_contain_text("已离开")
    w.page.close()
    expect(row.locator(".badge.warn")).to_have_text("已离开", timeout=20_000)


def test_a_newcomer_takes_over_their_own_widget_conversation_from_a_second_tab(browser, stack) -> None:
    """What `make run` prints for the embedded profile: the desk URL and the demo login."""
    from tests.desk.browser.driver import DeskPage
    from tests.portal.driver import Widget

    db = Database(stack.settings.db_url)
    try:
        login, password = ensure_demo_agent(stack.settings, db)
    finally:
        db.close()
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    try:
        w = Widget(context.new_page(), stack.settings.portal_url, desk_artifacts()).goto()
        w.open()
        w.tool("转人工")
        sender = w.page.evaluate("window.YJSWidget.chat.store.sender")
        desk = DeskPage(context.new_page(), stack.settings.portal_url, desk_artifacts()).signed_in(login, password)
        expect(desk.queue_row(sender)).to_be_visible(timeout=QUEUE_WITHIN_MS)
        desk.take(sender)
        desk.send("我是演示坐席，在第二个标签页里接待你自己。")
        expect(w.page.locator(".yjs-log > .yjs-agent").last).to_contain_text("第二个标签页")
        desk.give_back()
        expect(w.cards("handoff").last).to_have_attribute("data-state", "bot")
    finally:
        context.close()


def desk_artifacts():
    from bot.settings import ROOT

    return ROOT / "test-artifacts" / "desk"
