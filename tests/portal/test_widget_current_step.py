"""The widget keeps the current step in view (issue #12, item 5): from the need to the receipt
the next thing to do is on screen after every turn without the person scrolling, focus moves to
the new question after a tap, the long cards fold, every message names its speaker and a turn is
announced as a summary; with a phone's keyboard open the question stays in view. Whole stack,
headless Chromium, in each view (desktop and 360 × 740 phone, normal and 长者模式)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.portal.conftest import PHONES
from tests.portal.flows import answer_question, fill_or_confirm, start_newborn_in_words

pytestmark = pytest.mark.browser


def test_from_need_to_receipt_the_next_step_is_always_in_view(person, view):
    w = person("demo-zhang-wei").open()  # at the top of the page, below its own controls
    start_newborn_in_words(w, "孩子刚出生，要办哪些手续")
    turns, edited, summarised = 0, [True], False
    while not w.cards("receipt").count():
        turns += 1
        assert turns < 40, "no receipt after 40 turns"
        step = w.next_step()
        hidden = w.hidden_by_scroll(step)
        if hidden:
            w.shot(f"out-of-view-turn-{turns}")
        assert not hidden, f"turn {turns}: the next step ({step.inner_text()[:30]!r}) {hidden}"
        card = w.last_bot().locator(".yjs-card-question")
        if card.count() and turns > 1:
            # After a tap, focus is on the new question (a screen reader reads it next).
            assert "yjs-card-title" in w.focused_in_widget()
        if w.cards("form").count() and not summarised:
            summary_turn(w)
            summarised = True
        if card.count():
            answer_question(w, card)
        else:
            fill_or_confirm(w, edited)
    assert turns >= 8 and summarised
    stars = w.page.locator(".yjs-stars").last.get_by_role("button", name="5 星")
    assert not w.hidden_by_scroll(stars), "the rating after the receipt is out of view"
    w.shot("receipt-in-view")
    # Every message says who speaks, for screen readers.
    speakers = w.in_shadow("root => [...root.querySelectorAll('.yjs-log > .yjs-msg')]"
                           ".map(m => m.querySelector(':scope > .yjs-sr').textContent)")
    assert speakers and set(speakers) == {"导办助手：", "我："}, speakers
    assert not w.errors and not w.csp_violations()


def summary_turn(w) -> None:
    """The turn that ends the questionnaire: notice and form arrive folded, one tap opens each,
    and screen readers hear one summary with the counts rather than the whole list."""
    notice, form = w.cards("notice").last, w.cards("form").last
    for card in (notice, form):
        expect(card.locator("details.yjs-fold")).not_to_have_attribute("open", "")
    bring = notice.locator(".yjs-group-bring .yjs-material").count()
    fields = form.locator(".yjs-field").count()
    said = w.announced()
    assert f"材料清单，共 {bring} 项需要您准备" in said and f"申请表，共 {fields} 项" in said, said
    w.shot("summary-folded")
    notice.locator("summary").click()
    expect(notice.locator("details.yjs-fold")).to_have_attribute("open", "")
    notice.locator("summary").click()  # folded again: the next step is where it was


@pytest.mark.parametrize("view", PHONES, indirect=True, ids=[v.name for v in PHONES])
def test_with_the_phone_keyboard_open_the_question_stays_in_view(person, view):
    w = person().open()
    start_newborn_in_words(w, "孩子出生了")
    answer_question(w, w.last_bot().locator(".yjs-card-question"))
    question = w.last_bot().locator(".yjs-card-question .yjs-card-title")
    assert not w.hidden_by_scroll(question)
    # The keyboard takes about 40 % of the screen; this browser resizes the window for it.
    w.input.focus()
    w.page.set_viewport_size({"width": view.width, "height": int(view.height * 0.58)})
    expect(w.page.locator(".yjs-toolbar")).to_be_hidden()  # steps aside while typing
    expect(w.input).to_be_in_viewport()
    w.page.wait_for_timeout(100)
    assert not w.hidden_by_scroll(question), "the question is hidden while typing its answer"
    w.shot("keyboard-open")
    # Typed there, the answer goes through; with the keyboard closed the toolbar is back.
    title = question.inner_text()
    w.say("前天" if w.last_bot().locator("input[type=date]").count() else "是的")
    expect(w.last_bot().locator(".yjs-card-question .yjs-card-title")).not_to_have_text(title)
    assert not w.hidden_by_scroll(w.last_bot().locator(".yjs-card-question .yjs-card-title"))
    w.page.set_viewport_size({"width": view.width, "height": view.height})
    expect(w.page.locator(".yjs-toolbar")).to_be_visible()
    assert not w.hidden_by_scroll(w.next_step())
    assert re.search(r"第 \d+ 步", w.last_text())
