"""Choosing the identity provider from settings."""

from __future__ import annotations

import pytest

from bot.identity.demo import DemoIdentityProvider
from bot.identity.http_adapter import HttpIdentityProvider
from bot.identity.provider import IdentityProvider, provider_from_settings
from bot.settings import Settings


def test_the_default_is_the_demo_provider() -> None:
    assert isinstance(provider_from_settings(Settings(identity_provider="demo")),
                      DemoIdentityProvider)


def test_http_gives_the_http_adapter() -> None:
    settings = Settings(identity_provider="http", identity_url="http://idp", identity_token="t")
    assert isinstance(provider_from_settings(settings), HttpIdentityProvider)


def test_http_without_a_url_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        provider_from_settings(Settings(identity_provider="http", identity_url=""))


def test_an_unknown_provider_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        provider_from_settings(Settings(identity_provider="ldap"))


def test_both_providers_satisfy_the_protocol() -> None:
    providers = [DemoIdentityProvider({}), HttpIdentityProvider("http://idp", "t")]
    assert all(isinstance(p, IdentityProvider) for p in providers)
