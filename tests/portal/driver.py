"""Drives the chat widget in a Playwright page the way a person would: click, type, wait, look."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

from playwright.sync_api import Locator, Page, expect

REPLY_TIMEOUT_MS = 60_000


class Widget:
    def __init__(self, page: Page, url: str, artifacts: Path) -> None:
        self.page = page
        self.url = url
        self.artifacts = artifacts
        self.dialogs: List[str] = []
        self.errors: List[str] = []
        self.console: List[str] = []
        page.on("dialog", self._on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._on_console)

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            self.console.append(msg.text)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    # -- places -------------------------------------------------------------------------------

    def goto(self, path: str = "/") -> Widget:
        self.page.goto(self.url + path)
        expect(self.bubble).to_be_visible()
        return self

    @property
    def bubble(self) -> Locator:
        return self.page.locator(".yjs-bubble")

    @property
    def panel(self) -> Locator:
        return self.page.get_by_role("dialog", name="一件事智能导办")

    @property
    def input(self) -> Locator:
        return self.page.locator("#yjs-input")

    @property
    def log(self) -> Locator:
        return self.page.locator(".yjs-log")

    @property
    def status(self) -> Locator:
        return self.page.locator(".yjs-status")

    def bot_messages(self) -> Locator:
        return self.page.locator(".yjs-log > .yjs-bot")

    def last_bot(self) -> Locator:
        return self.bot_messages().last

    def cards(self, kind: str) -> Locator:
        return self.page.locator(f".yjs-card-{kind}")

    # -- actions ------------------------------------------------------------------------------

    def open(self) -> Widget:
        if not self.panel.is_visible():
            self.bubble.click()
        expect(self.panel).to_be_visible()
        return self

    def wait_reply(self, before: int) -> None:
        """Until the pending bubble is gone and at least one new bot message has arrived."""
        expect(self.page.locator(".yjs-pending")).to_have_count(0, timeout=REPLY_TIMEOUT_MS)
        expect(self.page.locator(".yjs-thinking")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
        self.page.wait_for_function(
            "n => document.querySelector('#yjs-widget').shadowRoot"
            ".querySelectorAll('.yjs-log > .yjs-bot').length > n",
            arg=before, timeout=REPLY_TIMEOUT_MS)

    def say(self, text: str) -> None:
        before = self.bot_messages().count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_reply(before)

    def press(self, title: str, exact: bool = True) -> None:
        """Click the newest button with this visible title (or accessible name)."""
        before = self.bot_messages().count()
        self.page.locator(".yjs-log").get_by_role("button", name=title, exact=exact).last.click()
        self.wait_reply(before)

    def tool(self, title: str) -> None:
        before = self.bot_messages().count()
        self.page.locator(".yjs-toolbar").get_by_role("button", name=title, exact=True).click()
        self.wait_reply(before)

    def last_text(self) -> str:
        return self.last_bot().inner_text()

    def log_text(self) -> str:
        return self.page.locator(".yjs-log").inner_text()

    def next_step(self) -> Locator:
        """What the person does next: the pending question's first option or its input, else
        the newest message's first live button, else its words (a value to type in the box)."""
        last = self.last_bot()
        question = last.locator(".yjs-card-question")
        if question.count():
            return question.locator(".yjs-options button:enabled, input:enabled").first
        live = last.locator("button:enabled")
        return live.first if live.count() else last.locator(".yjs-text").last

    def hidden_by_scroll(self, target: Locator) -> List[str]:
        """Why `target` is not wholly inside the chat log's visible area and the window (empty
        when it is): the test never scrolls, so this is what the person sees."""
        box = target.bounding_box()
        log = self.page.locator(".yjs-log").bounding_box()
        window = self.page.viewport_size
        if box is None or log is None:
            return ["not rendered"]
        problems = []
        if box["y"] < log["y"] - 0.5:
            problems.append(f"starts {log['y'] - box['y']:.0f}px above the log's visible area")
        if box["y"] + box["height"] > log["y"] + log["height"] + 0.5:
            problems.append(f"ends {box['y'] + box['height'] - log['y'] - log['height']:.0f}px below it")
        if log["y"] < 0 or log["y"] + log["height"] > window["height"] + 0.5:
            problems.append("the log itself is partly outside the window")
        return problems

    def focused_in_widget(self) -> str:
        """The class of the element focused inside the widget ('' when focus is elsewhere)."""
        return self.in_shadow("root => root.activeElement ? root.activeElement.className || "
                              "root.activeElement.tagName : ''")

    def announced(self) -> str:
        """What the widget last told screen readers (its polite live region)."""
        region = self.page.locator(".yjs-root > .yjs-panel > .yjs-sr[aria-live=polite]")
        expect(region).not_to_be_empty()
        return region.inner_text()

    def shot(self, name: str, full_page: bool = False) -> Path:
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        return path

    def csp_violations(self) -> List[str]:
        return [line for line in self.console
                if re.search(r"Content Security Policy|Refused to", line)]

    def in_shadow(self, script: str):
        """Evaluate `script` (a function of the widget's shadow root) in the page."""
        return self.page.locator("#yjs-widget").evaluate(f"host => ({script})(host.shadowRoot)")
