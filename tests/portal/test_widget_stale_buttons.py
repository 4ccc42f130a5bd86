"""Stale input and bad input in the browser (issue #12, item 1 and "Bad input"): buttons of past
turns are disabled, in every tab of the conversation; an old button pressed on a page that missed
the answer changes nothing silently (declined, or offered as a change with what it was); a double
click records one answer and one application; a reload while a turn is under way shows where the
conversation is. Whole stack, headless
Chromium, in each view; what was recorded is read from the stack's database."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

import pytest
from playwright.sync_api import Route, expect

from tests.portal.driver import Widget
from tests.portal.flows import SUBMIT_STEPS, answer_question, fill_or_confirm, start_newborn_in_words
from tests.portal.records import Records, conversation_id

pytestmark = pytest.mark.browser


def another_tab(w: Widget) -> Widget:
    """The same portal in a second tab of the same browser: the same stored conversation."""
    tab = Widget(w.page.context.new_page(), w.url, w.artifacts)
    tab.page.goto(w.url)
    expect(tab.panel).to_be_visible()  # open in the first tab: open here too
    return tab


@contextmanager
def stale_copy(w: Widget) -> Iterator[Widget]:
    """The conversation as this page shows it now, in a page that will miss what happens next
    (a tab restored from the browser's history, another window of a browser that does not
    share storage events): the same session and log, in a browser context of its own."""
    page = w.page
    context = page.context.browser.new_context(storage_state=page.context.storage_state(),
                                               viewport=page.viewport_size, locale="zh-CN")
    try:
        copy = Widget(context.new_page(), w.url, w.artifacts)
        copy.page.goto(w.url)
        expect(copy.panel).to_be_visible()
        expect(copy.last_bot().locator(".yjs-card-question")).to_have_attribute(
            "data-question-id", question_id(w))
        yield copy
    finally:
        context.close()


def question_id(w: Widget) -> str:
    return w.last_bot().locator(".yjs-card-question").get_attribute("data-question-id")


def test_old_buttons_are_disabled_and_never_change_an_answer_silently(person, view, stack):
    records = Records(stack)
    w = person().open()
    start_newborn_in_words(w, "孩子出生了")
    first = w.last_bot().locator(".yjs-card-question")
    asked = first.get_attribute("data-question-id")
    tab = another_tab(w)
    with stale_copy(w) as b, stale_copy(w) as c:
        answer_question(w, first)  # 是, in the first tab
        sender = conversation_id(w)
        assert records.answers(sender)[asked] is True
        current = question_id(w)
        assert current != asked
        # Where the answer was given and in the other tab of that browser, the question
        # answered is out of use and the next one is shown.
        expect(tab.last_bot().locator(".yjs-card-question")).to_have_attribute("data-question-id", current)
        for page in (w, tab):
            for button in page.page.locator(f".yjs-card-question[data-question-id={asked}] button").all():
                expect(button).to_be_disabled()
        tab.shot("second-tab-follows")

        # A page that missed it presses the same answer again: declined, nothing recorded, and
        # the question that is current shown instead.
        b.press("是")
        expect(b.log).to_contain_text("这个按钮是之前的")
        assert question_id(b) == current
        assert records.answers(sender)[asked] is True
        b.shot("stale-declined")

        # The other answer pressed on such a page: offered as a change, saying what it was;
        # only the confirmation changes it, and the conversation goes on from there.
        c.press("否")
        offer = c.last_bot()
        expect(offer).to_contain_text("当时您选的是“是”")
        expect(offer.get_by_role("button", name="改成“否”")).to_be_enabled()
        expect(offer.get_by_role("button", name="不改，继续")).to_be_enabled()
        assert records.answers(sender)[asked] is True
        c.shot("stale-offered-as-change")
        c.press("改成“否”")
        assert records.answers(sender)[asked] is False
        expect(c.last_bot().locator(".yjs-card-question")).to_be_visible()
        assert not c.hidden_by_scroll(c.next_step())
        after_change = question_id(c)
        assert not (b.errors or c.errors)
    # The first page, reloaded, catches up with the server: it shows where things stand.
    w.page.reload()
    expect(w.status).to_contain_text("已显示这次对话的最新进度")
    expect(w.last_bot().locator(".yjs-card-question")).to_have_attribute("data-question-id", after_change)
    assert not w.hidden_by_scroll(w.next_step())
    assert not (w.errors or tab.errors)


def test_double_clicks_record_one_answer_and_one_application(person, view, stack):
    records = Records(stack)
    w = person("demo-zhang-wei")
    before = w.bot_messages().count()
    w.page.get_by_role("button", name="在线导办：婚育一件事").click()
    w.wait_reply(before)
    sender = conversation_id(w)
    option = w.last_bot().locator(".yjs-card-question .yjs-options button").first
    title = option.inner_text()
    said_before = len(records.said(sender))
    before = w.bot_messages().count()
    option.dblclick()
    w.wait_reply(before)
    w.page.wait_for_timeout(300)  # a second request would be on its way by now
    expect(w.page.locator(".yjs-user")).to_have_count(2)  # the bundle chosen, then this answer
    assert records.said(sender)[said_before:] == [title]
    expect(w.log).not_to_contain_text("这个按钮是之前的")

    edited = [True]
    for _ in range(30):
        if w.last_bot().get_by_role("button", name=SUBMIT_STEPS[1]).count() or \
                w.last_bot().get_by_role("button", name=SUBMIT_STEPS[2]).count():
            break
        card = w.last_bot().locator(".yjs-card-question")
        answer_question(w, card) if card.count() else fill_or_confirm(w, edited)
    submit = w.last_bot().get_by_role("button", name=SUBMIT_STEPS[1])
    if not submit.count():  # filed earlier today: warned first, then 仍要提交 submits
        submit = w.last_bot().get_by_role("button", name=SUBMIT_STEPS[2])
    before = w.bot_messages().count()
    submit.dblclick()
    w.wait_reply(before)
    w.page.wait_for_timeout(300)
    expect(w.cards("receipt")).to_have_count(1)
    receipt = w.cards("receipt").locator("dd").first.inner_text()
    assert records.applications(sender) == [receipt]
    w.shot("double-click-one-receipt")


def test_a_reload_during_a_turn_shows_where_the_conversation_is(person, view, stack):
    records = Records(stack)
    w = person().open()
    start_newborn_in_words(w, "孩子出生了")
    sender = conversation_id(w)
    asked = question_id(w)
    said = records.said(sender)
    answered = []

    def reply_never_arrives(route: Route) -> None:
        answered.append(route.fetch())  # the server takes the answer and replies...
        # ...but the page is reloaded before the reply reaches it (the route is never fulfilled).

    w.page.route("**/webhooks/rest/webhook", reply_never_arrives, times=1)
    w.last_bot().locator(".yjs-card-question .yjs-options button", has_text="是").first.click()
    for _ in range(100):
        if answered:
            break
        w.page.wait_for_timeout(100)
    assert answered and answered[0].ok
    # The widget's styles arrive late this time (a slow phone network).
    w.page.route("**/widget.css", lambda route: (time.sleep(0.6), route.continue_()), times=1)
    w.page.reload()
    w.open()
    # The widget catches up with the server: the next question, live and in view, says so.
    expect(w.status).to_contain_text("已显示这次对话的最新进度")
    current = w.last_bot().locator(".yjs-card-question")
    expect(current).to_be_visible()
    assert question_id(w) != asked
    assert not w.hidden_by_scroll(w.next_step())
    old = w.page.locator(f".yjs-card-question[data-question-id={asked}] .yjs-options button")
    for button in old.all():
        expect(button).to_be_disabled()
    assert records.answers(sender)[asked] is True
    w.shot("reload-mid-turn")
    # Answering goes on from there: recorded once each, nothing declined as old.
    then = question_id(w)
    answer_question(w, current)
    expect(w.log).not_to_contain_text("这个按钮是之前的")
    assert records.said(sender)[len(said):][0] == "是" and len(records.said(sender)) == len(said) + 2
    assert asked in records.answers(sender) and then in records.answers(sender)
    assert not w.errors


def test_a_reply_lost_on_the_way_is_not_answered_twice(person, view, stack):
    """The server took the message but the connection dropped before its reply: the widget
    sends it again, and the server answers it once (the retry carries the same message id)."""
    records = Records(stack)
    w = person().open()
    start_newborn_in_words(w, "孩子出生了")
    sender = conversation_id(w)
    said, asked = records.said(sender), question_id(w)

    def connection_drops(route: Route) -> None:
        route.fetch()  # the server answers...
        route.abort("connectionreset")  # ...and the reply is lost on the way

    w.page.route("**/webhooks/rest/webhook", connection_drops, times=1)
    w.say("是的")  # the widget retries after a second
    assert records.said(sender)[len(said):] == ["是的"]
    assert records.answers(sender)[asked] is True
    expect(w.page.locator(".yjs-user")).to_have_count(said.__len__() + 1)
    expect(w.last_bot().locator(".yjs-card-question")).not_to_have_attribute("data-question-id", asked)
    expect(w.log).not_to_contain_text("没听明白")
    assert not w.hidden_by_scroll(w.next_step())
