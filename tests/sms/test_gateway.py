"""The HTTP SMS adapter against the local stand-in gateway, over HTTP: the protocol's key, phone
and text checks, what the stand-in keeps, and a gateway that is down (a failed result, no crash)."""

from __future__ import annotations

import asyncio

import pytest
import requests

from bot.launcher.process import free_port
from bot.sms import HttpSms, gateway_from_settings

pytestmark = pytest.mark.servers


def _send(gateway: HttpSms, phone: str, text: str):
    async def once():
        try:
            return await gateway.send(phone, text)
        finally:
            await gateway.close()

    return asyncio.run(once())


def test_a_message_sent_through_the_adapter_is_kept_by_the_stand_in(desk_portal) -> None:
    result = _send(gateway_from_settings(desk_portal.settings), "+86 139-0000-7777", "【一件事导办】测试短信")
    inbox = requests.get(f"{desk_portal.url}/dev/sms/messages", params={"phone": "13900007777"}).json()["messages"]
    assert (result.ok, result.message_id.startswith("standin-"), [m["text"] for m in inbox]) == (
        True, True, ["【一件事导办】测试短信"])


def test_a_wrong_key_is_refused_by_the_gateway(desk_portal) -> None:
    result = _send(HttpSms(f"{desk_portal.url}/dev/sms/send", "not-the-key"), "13900007778", "x")
    assert (result.ok, "401" in result.error) == (False, True)


@pytest.mark.parametrize(("phone", "text", "error"), [
    ("12345", "hi", "invalid_phone"), ("13900007779", "", "invalid_text"), ("13900007779", "长" * 501, "invalid_text")])
def test_the_stand_in_checks_what_a_real_gateway_checks(desk_portal, phone: str, text: str, error: str) -> None:
    answer = requests.post(f"{desk_portal.url}/dev/sms/send", json={"phone": phone, "text": text},
                           headers={"Authorization": f"Bearer {desk_portal.settings.sms_key}"})
    assert (answer.status_code, answer.json()["error"]) == (400, error)


def test_a_gateway_that_is_down_is_a_failed_result_not_a_crash() -> None:
    result = _send(HttpSms(f"http://127.0.0.1:{free_port()}/send", "key", timeout_s=2), "13900007780", "x")
    assert (result.ok, result.error.startswith("gateway unreachable")) == (False, True)
