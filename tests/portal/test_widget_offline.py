"""The bot unreachable or restarting: the widget says so, retries, and loses nothing typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.portal.fake_rasa import FakeRasa

pytestmark = pytest.mark.browser


def test_unreachable_server_shows_status_keeps_text_and_recovers(open_widget, offline_portal):
    w = open_widget(offline_portal.url).goto().open()
    typed = "孩子刚出生，要办哪些手续？"
    w.input.fill(typed)
    w.input.press("Enter")
    expect(w.status).to_be_visible()
    expect(w.status).to_contain_text("暂时连不上导办服务")
    expect(w.status).to_contain_text("您输入的内容已保留")
    expect(w.input).to_have_value(typed)
    w.shot("offline-status")
    # A reload while offline keeps the draft too.
    w.page.reload()
    w.open()
    expect(w.input).to_have_value(typed)
    w.input.press("Enter")
    expect(w.status.get_by_role("button", name="重试")).to_be_visible()

    # The server comes back on the same port: "重试" delivers the message, the input clears.
    with FakeRasa(port=offline_portal.settings.rasa_port) as fake:
        w.status.get_by_role("button", name="重试").click()
        expect(w.page.locator(".yjs-user .yjs-text").last).to_have_text(typed)
        expect(w.last_bot()).to_contain_text("您说：" + typed)
        expect(w.status).to_be_hidden()
        expect(w.input).to_have_value("")
        assert [m["message"] for m in fake.received] == [typed]
    assert w.page.locator(".yjs-user").count() == 1  # delivered once, shown once


def test_very_long_messages_wrap_inside_the_panel(open_widget, fake_portal):
    w = open_widget(fake_portal.url).goto().open()
    long_word = "一件事" * 60 + "https://example.invalid/" + "a" * 300
    w.say(long_word)
    panel_width = w.panel.bounding_box()["width"]
    for bubble in (w.page.locator(".yjs-user .yjs-text").last, w.last_bot().locator(".yjs-text")):
        assert bubble.bounding_box()["width"] <= panel_width
    assert w.in_shadow("root => root.querySelector('.yjs-log').scrollWidth") <= panel_width
    w.shot("long-message")
