"""Messages the person did not ask for reach the open widget: a queued application delivered
later shows its final receipt number; an agent's words reach a widget on another site's page (the
whole stack, in headless Chromium)."""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from bot.db import Database
from bot.dialogue.delivery import Delivery
from bot.dialogue.store import ConversationStore
from bot.sealing import Sealer
from bot.secrets import with_secrets
from tests.portal.flows import to_receipt
from tests.support.aio import run
from tests.support.silent_proxy import SilentProxy

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"YJS-\d{8}-[0-9A-Z]{6}")


def test_a_queued_application_delivered_later_is_announced_in_the_open_widget(open_widget, stack):
    intake = next(p for p in stack.processes if p.name == "intake API")
    w = open_widget(stack.settings.portal_url).goto()
    w.page.get_by_label("演示登录").select_option("demo-zhang-wei")
    before = w.bot_messages().count()
    w.page.get_by_role("button", name="在线导办：新生儿出生一件事").click()
    w.wait_reply(before)
    intake.stop()
    try:
        to_receipt(w)
        queued = w.cards("receipt").last
        expect(queued).to_contain_text(re.compile(r"LS-\d{8}-[0-9A-Z]{6}"))  # a provisional reference
    finally:
        intake.start()
        intake.wait_healthy(60)
    announced = w.page.locator(".yjs-log > .yjs-pushed")
    expect(announced).to_contain_text(RECEIPT, timeout=60_000)
    expect(announced.locator(".yjs-card-receipt")).to_contain_text(RECEIPT)
    w.shot("pushed-delivery")
    # The announcement is part of the conversation: it is still there after a reload, once.
    w.page.reload()
    w.open()
    expect(w.page.locator(".yjs-log")).to_contain_text(RECEIPT)
    assert w.page.locator(".yjs-log").inner_text().count("已正式提交") == 1
    assert not w.errors and not w.csp_violations()


class HostSite:
    """Another site's page with the widget's one script tag, at the origin the stack allows; the
    widget reads its conversation from `portal_url` (the portal, or a path to it)."""

    def __init__(self, stack) -> None:
        self.stack = stack
        self.origin = stack.settings.cors_origins
        self.portal_url = stack.settings.portal_url

    def page(self) -> bytes:
        return ("<!doctype html><html lang=zh-CN><title>某某市政府网站</title><h1>某某市政府网站</h1>"
                f'<script src="{self.stack.settings.portal_url}/static/widget/widget.js" '
                f'data-rasa-url="{self.stack.settings.rasa_url}" data-portal-url="{self.portal_url}" defer>'
                "</script>").encode()


@pytest.fixture
def host_site(stack) -> Iterator[HostSite]:
    site = HostSite(stack)

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(site.page())

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", urlsplit(site.origin).port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def _push(stack, conversation_id: str, text: str) -> None:
    """As the desk or an action server does: a line of the transcript the person did not ask for."""
    store = ConversationStore(Database(stack.settings.db_url), Sealer.from_settings(with_secrets(stack.settings)))
    assert run(Delivery(store).push(conversation_id, [{"text": text}], speaker="agent"))


def test_words_pushed_later_reach_a_widget_on_another_sites_page(open_widget, stack, host_site):
    w = open_widget(host_site.origin).goto().open()
    w.press("浏览服务目录")
    expect(w.last_bot().get_by_role("button").first).to_be_visible()
    sender = w.page.evaluate("window.YJSWidget.chat.store.sender")
    _push(stack, sender, "您好，我是工作人员，材料清单我帮您核对过了。")
    expect(w.page.locator(".yjs-log > .yjs-pushed")).to_contain_text("材料清单我帮您核对过了", timeout=15_000)
    # and a reload on that page shows where the conversation stands (read from the portal too)
    w.page.reload()
    w.open()
    expect(w.page.locator(".yjs-log")).to_contain_text("材料清单我帮您核对过了")
    assert not w.errors


def test_a_stream_a_network_dropped_without_a_word_is_reopened_and_nothing_is_lost(open_widget, stack, host_site):
    with SilentProxy(stack.settings.portal_port) as path:
        host_site.portal_url = path.url  # the widget's stream goes this way
        w = open_widget(host_site.origin).goto().open()
        w.press("浏览服务目录")
        expect(w.last_bot().get_by_role("button").first).to_be_visible()
        sender = w.page.evaluate("window.YJSWidget.chat.store.sender")
        _until(lambda: path.open_connections() >= 1)
        assert path.silence() >= 1
        _push(stack, sender, "您好，我是工作人员，您还在吗？")
        expect(w.page.locator(".yjs-log > .yjs-pushed")).to_contain_text("您还在吗", timeout=20_000)
        assert w.page.locator(".yjs-log > .yjs-pushed").count() == 1
        assert not w.errors


def _until(check, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the widget never opened its stream"
        time.sleep(0.05)
