"""The HTTP identity adapter against the demo identity service on a real server."""

from __future__ import annotations

import asyncio
from typing import Optional

import pytest

from bot.identity.demo import DemoIdentityProvider
from bot.identity.http_adapter import HttpIdentityProvider
from bot.identity.model import Identity
from bot.identity.provider import IdentityUnavailable
from bot.launcher.process import free_port
from tests.intake.server import IDENTITY_TOKEN, IntakeServer

DEMO = DemoIdentityProvider.from_file()


def lookup(
    url: str, token: Optional[str], service_token: str = IDENTITY_TOKEN
) -> Optional[Identity]:
    async def run() -> Optional[Identity]:
        provider = HttpIdentityProvider(url, service_token, timeout_s=3)
        try:
            return await provider.lookup(token)
        finally:
            await provider.close()

    return asyncio.run(run())


@pytest.mark.parametrize("token", list(DEMO.tokens))
def test_the_http_adapter_gives_the_same_identity_as_the_demo(
    identity_server: IntakeServer, token: str
) -> None:
    assert lookup(identity_server.url, token) == DEMO.get(token)


def test_an_unknown_login_is_anonymous(identity_server: IntakeServer) -> None:
    assert lookup(identity_server.url, "demo-nobody") is None


def test_no_login_is_anonymous_without_asking() -> None:
    assert lookup("http://127.0.0.1:9", None) is None  # port 9: nothing answers there


def test_a_wrong_service_token_is_an_error_not_anonymity(identity_server: IntakeServer) -> None:
    with pytest.raises(IdentityUnavailable):
        lookup(identity_server.url, "demo-li-na", service_token="wrong")


def test_an_unreachable_service_is_an_error_not_anonymity() -> None:
    with pytest.raises(IdentityUnavailable):
        lookup(f"http://127.0.0.1:{free_port()}", "demo-li-na")
