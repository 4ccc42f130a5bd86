"""Drives the desk page in Playwright the way an agent would: sign in, watch the queue, take a
conversation, write, act for the person in the context panel, give back."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.desk.conftest import PASSWORD

STEP_TIMEOUT_MS = 30_000


class DeskPage:
    def __init__(self, page: Page, url: str, artifacts: Path) -> None:
        self.page = page
        self.url = url
        self.artifacts = artifacts
        self.errors: List[str] = []
        self.console: List[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda msg: self.console.append(msg.text) if msg.type == "error" else None)

    @classmethod
    def open(cls, browser: Browser, url: str, artifacts: Path) -> DeskPage:
        context: BrowserContext = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        return cls(context.new_page(), url, artifacts)

    # -- signing in ---------------------------------------------------------------------------

    def sign_in(self, login: str, password: str = PASSWORD) -> DeskPage:
        self.page.goto(f"{self.url}/desk/login")
        self.page.get_by_label("用户名").fill(login)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录").click()
        return self

    def signed_in(self, login: str, password: str = PASSWORD) -> DeskPage:
        self.sign_in(login, password)
        expect(self.page.get_by_role("heading", name="人工服务台")).to_be_visible()
        expect(self.page.locator("#me")).not_to_be_empty()
        return self

    # -- places -------------------------------------------------------------------------------

    def queue_row(self, conversation_id: str) -> Locator:
        return self.page.locator(f'#queue li[data-conversation-id="{conversation_id}"]')

    @property
    def transcript(self) -> Locator:
        return self.page.locator("#transcript")

    @property
    def context(self) -> Locator:
        return self.page.locator("#context")

    @property
    def notice(self) -> Locator:
        return self.page.locator("#notice")

    # -- actions ------------------------------------------------------------------------------

    def take(self, conversation_id: str) -> None:
        self.queue_row(conversation_id).get_by_role("button", name=re.compile("^接入")).click()
        expect(self.page.locator("#talk-state")).to_have_text("我在接待")

    def send(self, text: str) -> None:
        self.page.locator("#composer-text").fill(text)
        self.page.locator("#composer-text").press("Enter")
        expect(self.page.locator("#composer-text")).to_have_value("")

    def give_back(self) -> None:
        self.page.get_by_role("button", name="转回导办助手").click()

    def lines(self) -> int:
        return self.transcript.locator("li").count()

    def act(self, do) -> None:
        """Do something for the person in the context panel; wait until the bot has answered."""
        before = self.lines()
        do()
        self.page.wait_for_function("n => document.querySelectorAll('#transcript li').length > n", arg=before,
                                    timeout=STEP_TIMEOUT_MS)

    def press_choice(self, title: str | None = None) -> None:
        choices = self.context.locator(".ctx-pending .choices button")
        target = choices.filter(has_text=title).first if title else choices.first
        self.act(target.click)

    def answer(self, text: str) -> None:
        box = self.context.locator(".ctx-pending input")

        def type_and_send() -> None:
            box.fill(text)
            self.context.locator(".ctx-pending").get_by_role("button", name="代为回答").click()

        self.act(type_and_send)

    def stage(self) -> str:
        return self.context.get_attribute("data-stage") or ""

    def shot(self, name: str) -> Path:
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / f"{name}.png"
        self.page.screenshot(path=str(path), animations="disabled")
        return path

    def csp_violations(self) -> List[str]:
        return [line for line in self.console if re.search(r"Content Security Policy|Refused to", line)]
