"""The demo identity provider."""

from __future__ import annotations

import asyncio

from bot.identity.demo import DemoIdentityProvider

PROVIDER = DemoIdentityProvider.from_file()


def test_a_demo_token_gives_that_person() -> None:
    identity = asyncio.run(PROVIDER.lookup("demo-zhang-wei"))
    assert identity is not None and identity.name == "张伟"


def test_an_anonymous_user_has_no_identity() -> None:
    assert asyncio.run(PROVIDER.lookup(None)) is None


def test_an_unknown_token_has_no_identity() -> None:
    assert asyncio.run(PROVIDER.lookup("demo-nobody")) is None


def test_an_e_licence_is_found_by_type() -> None:
    identity = PROVIDER.get("demo-li-na")
    assert identity is not None and identity.licence("marriage_certificate").fields[
        "spouse_name"
    ] == "张伟"


def test_an_enterprise_carries_its_credit_code() -> None:
    identity = PROVIDER.get("demo-xiangyun-catering")
    assert identity is not None and identity.credit_code == "91370102MA0000001W"


def test_changing_a_looked_up_identity_does_not_change_the_fixture() -> None:
    PROVIDER.get("demo-zhou-min").name = "changed"  # type: ignore[union-attr]
    assert PROVIDER.get("demo-zhou-min").name == "周敏"  # type: ignore[union-attr]
