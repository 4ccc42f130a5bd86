"""Browser fixtures: Debian's chromium under Playwright; portals on a fake or closed port; the
four ways a person sees the widget (desktop and phone, normal and 长者模式)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from bot.launcher.process import Process, free_port
from bot.launcher.stack import child_env
from bot.settings import ROOT, Settings
from tests.portal.driver import Widget
from tests.portal.fake_rasa import FakeRasa

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "portal"


class Portal:
    """`python -m bot.portal` on a free port, told that Rasa lives at `rasa_port`."""

    def __init__(self, var_dir: Path, rasa_port: int) -> None:
        self.settings = Settings(var_dir=var_dir, portal_port=free_port(), rasa_port=rasa_port,
                                 action_port=free_port(), intake_port=free_port())
        self.url = self.settings.portal_url
        self.process = Process("portal", [sys.executable, "-m", "bot.portal"], f"{self.url}/health",
                               env=child_env(self.settings), cwd=ROOT,
                               log_path=var_dir / "portal.log")

    def __enter__(self) -> Portal:
        self.process.start()
        self.process.wait_healthy(60)
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package scope: Playwright's sync API keeps an event loop running while it is open.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is not installed (make install installs it)")
    with sync_playwright() as p:
        # Debian's chromium, never a browser downloaded by Playwright.
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def fake_rasa() -> Iterator[FakeRasa]:
    with FakeRasa() as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_portal(fake_rasa: FakeRasa, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    port = int(fake_rasa.url.rsplit(":", 1)[1])
    with Portal(tmp_path_factory.mktemp("portal-fake"), port) as portal:
        yield portal


@pytest.fixture(scope="session")
def offline_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """Rasa's port is free (closed): every send fails until someone listens there."""
    with Portal(tmp_path_factory.mktemp("portal-offline"), free_port()) as portal:
        yield portal


@pytest.fixture
def open_widget(browser: Browser):
    """open_widget(portal_url, width=1280, height=860) -> Widget on a fresh browser profile."""
    contexts = []

    def factory(url: str, width: int = 1280, height: int = 860) -> Widget:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        return Widget(context.new_page(), url, ARTIFACTS)

    yield factory
    for context in contexts:
        context.close()


@dataclass(frozen=True)
class View:
    """A screen size and text size, as a person on a desktop or a phone sees the portal."""

    name: str
    width: int
    height: int
    large: bool  # 长者模式, switched on with the page's own button

    @property
    def phone(self) -> bool:
        return self.width <= 520


VIEWS = [View("desktop", 1366, 768, False), View("desktop-large", 1366, 768, True),
         View("phone", 360, 740, False), View("phone-large", 360, 740, True)]
PHONES = [v for v in VIEWS if v.phone]


@pytest.fixture(params=VIEWS, ids=[v.name for v in VIEWS])
def view(request: pytest.FixtureRequest) -> View:
    """Each test that takes it runs in all four views (narrow it with
    `@pytest.mark.parametrize("view", PHONES, indirect=True)`)."""
    return request.param


@pytest.fixture
def person(open_widget, stack, view: View):
    """person(identity=None) -> Widget: the portal (real stack) in this view, 长者模式 on when
    the view is large, signed in as `identity` when given; the chat not yet opened. Its
    screenshots go to test-artifacts/portal/<view>/."""

    def factory(identity: str = "") -> Widget:
        w = open_widget(stack.settings.portal_url, view.width, view.height).goto()
        w.artifacts = ARTIFACTS / view.name
        if view.large:
            w.page.locator("#elder-mode").click()
            expect(w.page.locator("#elder-mode")).to_have_attribute("aria-pressed", "true")
        if identity:
            w.page.get_by_label("演示登录").select_option(identity)
        return w

    return factory
