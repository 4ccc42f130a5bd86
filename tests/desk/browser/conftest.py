"""Browser fixtures for the desk: Debian chromium and the widget driver (tests/portal), and a
desk page in a browser context of its own (another person's computer)."""

from __future__ import annotations

import pytest

from bot.settings import ROOT
from tests.portal.conftest import browser, open_widget  # noqa: F401 - Debian chromium, the widget driver


@pytest.fixture
def desk_page(browser):  # noqa: F811 - the fixture imported above
    """desk_page(url) -> DeskPage in its own browser context (another person's computer)."""
    from tests.desk.browser.driver import DeskPage

    contexts = []

    def factory(url: str) -> DeskPage:
        page = DeskPage.open(browser, url, ROOT / "test-artifacts" / "desk")
        contexts.append(page.page.context)
        return page

    yield factory
    for context in contexts:
        try:
            context.close()
        except Exception:  # noqa: BLE001 - a test closed it itself (the agent who closes the tab)
            pass


