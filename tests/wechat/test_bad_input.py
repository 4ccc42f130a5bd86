"""Odd and hostile input on the WeChat webhook: `success` and a polite reply where one is due,
a 4xx where WeChat or an impostor sent something that is not a push — never a 500."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, Optional, Tuple

import pytest

from bot.launcher.stack import Stack
from bot.wechat.config import WEBHOOK_PATH, wechat_config
from bot.wechat_standin.pushes import PushSigner, signature
from tests.wechat.person import Person, texts
from tests.wechat.standin import StandIn

pytestmark = pytest.mark.servers


def call(stack: Stack, query: Dict[str, str], body: Optional[bytes], content_type: str = "text/xml",
         method: str = "POST") -> Tuple[int, str]:
    url = f"{stack.settings.rasa_url}{WEBHOOK_PATH}?{urllib.parse.urlencode(query)}"
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def signed_query(stack: Stack) -> Dict[str, str]:
    token = wechat_config(stack.settings).token
    return {"signature": signature(token, "1700000000", "n0"), "timestamp": "1700000000", "nonce": "n0"}


def test_an_empty_text_gets_a_polite_answer(stack: Stack, standin: StandIn) -> None:
    replies = Person(standin).say("")
    assert texts(replies) == ["您好像还没有输入内容。"]


def test_a_2000_character_text_is_read_in_part_and_says_so(stack: Stack, standin: StandIn) -> None:
    replies = Person(standin).say("孩子刚出生要办什么" + "啊" * 1991)
    assert ("您的消息太长了" in texts(replies)[0], len(replies) <= 3) == (True, True)


def test_emoji_only_gets_a_polite_answer(stack: Stack, standin: StandIn) -> None:
    replies = Person(standin).say("😀😀👍🙏")
    assert (len(replies), bool(texts(replies)[0].strip())) == (1, True)


@pytest.mark.parametrize("kind", ["image", "miniprogrampage"])
def test_anything_but_text_gets_the_text_only_notice(stack: Stack, standin: StandIn, kind: str) -> None:
    assert texts(Person(standin).say(None, kind=kind)) == ["暂时只能处理文字消息，请用文字回复我。"]


def test_an_xxe_payload_is_refused_and_nothing_is_read_or_answered(stack: Stack, standin: StandIn) -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b"<xml><ToUserName>gh</ToUserName><FromUserName>oXxe1</FromUserName><CreateTime>1</CreateTime>"
           b"<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>77</MsgId></xml>")
    status, body = call(stack, signed_query(stack), xxe)
    time.sleep(1.0)
    assert (status, "root:" in body, standin.sent("oXxe1")["messages"]) == (400, False, [])


@pytest.mark.parametrize("content_type, body", [
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--"),
    ("application/octet-stream", b"\x00\x01\x02"),
    ("application/json", b"<xml><MsgType>text</MsgType></xml>"),
    ("text/xml", b'{"MsgType": "text"}'),
    ("text/xml", b"<xml><FromUserName>o1</FromUserName>"),
    ("text/xml", b"\xff\xfe\xfd"),
    ("text/xml", b""),
])
def test_wrong_content_types_and_broken_bodies_get_a_4xx(stack: Stack, content_type: str, body: bytes) -> None:
    status, _ = call(stack, signed_query(stack), body, content_type)
    assert 400 <= status < 500


@pytest.mark.parametrize("query", [{}, {"echostr": "123"}, {"signature": "x", "timestamp": "1", "nonce": "2"}])
def test_a_verification_without_a_valid_signature_or_echostr_gets_a_4xx(stack: Stack, query: Dict[str, str]) -> None:
    status, body = call(stack, query, None, method="GET")
    assert (400 <= status < 500, "123" in body) == (True, False)


def test_the_url_verification_echoes_echostr(stack: Stack) -> None:
    assert call(stack, {**signed_query(stack), "echostr": "5318008"}, None, method="GET") == (200, "5318008")


def test_an_event_that_needs_no_answer_is_acknowledged_and_left_alone(stack: Stack, standin: StandIn) -> None:
    config = wechat_config(stack.settings)
    signer = PushSigner(config.token, config.aes_key, config.appid)
    query, body, content_type = signer.push(signer.fields("oEvent1", "event", Event="view_miniprogram"))
    status, answer = call(stack, query, body, content_type)
    time.sleep(1.0)
    assert (status, answer, standin.sent("oEvent1")["messages"]) == (200, "success", [])
