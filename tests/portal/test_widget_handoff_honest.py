"""转人工 with nobody at the desk, in the browser (issue #12, item 4): the bot says plainly that no
agent is connected, gives the hotline and offers a call back; what the person types meanwhile is
not an answer to the questionnaire; the phone number left becomes a call-back request that
`python -m bot callbacks list` shows; then the questionnaire goes on where it was. Whole stack,
headless Chromium, in each view."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from bot.launcher.stack import child_env
from bot.settings import ROOT
from tests.portal.flows import answer_question, start_newborn_in_words
from tests.portal.records import Records, conversation_id

pytestmark = pytest.mark.browser


def test_with_nobody_at_the_desk_the_bot_says_so_and_takes_a_call_back(person, view, stack):
    records = Records(stack)
    w = person().open()
    start_newborn_in_words(w, "孩子出生了")
    answer_question(w, w.last_bot().locator(".yjs-card-question"))
    sender = conversation_id(w)
    pending = w.last_bot().locator(".yjs-card-question")
    asked = pending.get_attribute("data-question-id")
    answers = records.answers(sender)

    w.tool("转人工")
    card = w.cards("handoff").last
    expect(card).to_have_attribute("data-state", "callback")
    expect(card).to_contain_text("人工服务暂时接不通")
    said = w.last_bot()
    expect(said).to_contain_text("现在没有工作人员在线")
    expect(said).to_contain_text("12345")
    expect(said).not_to_contain_text("工作人员会看到")  # no promise that someone will answer
    for title in ("留下电话，等回电", "不等了，继续自助办理"):
        expect(said.get_by_role("button", name=title)).to_be_enabled()
    assert not w.hidden_by_scroll(w.next_step())
    for option in pending.locator("button, input").all():
        expect(option).to_be_disabled()  # the question waits; its old controls are out of use
    w.shot("handoff-nobody")

    # Words typed while waiting are for a person, not answers to the pending question.
    w.say("有人吗？")
    expect(w.last_bot()).to_contain_text("请直接输入您的手机号")
    w.say("是")
    assert records.answers(sender) == answers
    assert records.conversation(sender).state.pending_question == asked

    w.press("留下电话，等回电")
    expect(w.last_bot()).to_contain_text("请输入您的手机号")
    w.say("13800000009")
    booked = w.log.get_by_text(re.compile(r"已记下，回电工单号"))
    expect(booked).to_contain_text("138****0009")
    ticket = re.search(r"回电工单号(\S+?)。", booked.inner_text()).group(1)
    # Back to the questionnaire, where it was, its question live and in view.
    question = w.last_bot().locator(".yjs-card-question")
    expect(question).to_have_attribute("data-question-id", asked)
    assert not w.hidden_by_scroll(w.next_step())
    w.shot("callback-booked")
    listed = subprocess.run([sys.executable, "-m", "bot", "callbacks", "list"], cwd=ROOT, env=child_env(stack.settings),
                            capture_output=True, text=True, timeout=60)
    line = next((row for row in listed.stdout.splitlines() if row.startswith(ticket)), "")
    assert "138****0009" in line and sender in line, listed.stdout + listed.stderr
