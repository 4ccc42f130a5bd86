"""Reading WeChat's pushes (bot/wechat/protocol.py) built with wechatpy's own crypto: every mode
and format is read; forged, foreign, tampered and entity-laden pushes are refused with a 4xx."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest

from bot.settings import Settings
from bot.wechat.config import wechat_config
from bot.wechat.protocol import PushReader, PushRefused
from bot.wechat_standin.pushes import PushSigner, signature

CONFIG = wechat_config(Settings(profile="embedded"))
MODES = ("plain", "compatible", "safe")


def signer(mode: str = "safe", fmt: str = "xml", appid: str = CONFIG.appid) -> PushSigner:
    return PushSigner(CONFIG.token, CONFIG.aes_key, appid, mode=mode, fmt=fmt)


def reader(mode: str = "safe") -> PushReader:
    return PushReader(replace(CONFIG, mode=mode))


def refusal(mode: str, query, body: bytes, content_type: str = "text/xml") -> tuple:
    with pytest.raises(PushRefused) as caught:
        reader(mode).read(query, body, content_type)
    return caught.value.status, caught.value.reason


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("mode", MODES)
def test_a_text_push_is_read_in_every_mode_and_format(mode: str, fmt: str) -> None:
    s = signer(mode, fmt)
    query, body, content_type = s.push(s.fields("oAbc", "text", 6001, Content="孩子刚出生<要>办什么&"))
    push = reader(mode).read(query, body, content_type)
    assert (push.msg_type, push.openid, push.msg_id, push.content) == ("text", "oAbc", 6001, "孩子刚出生<要>办什么&")


def test_safe_mode_sends_nothing_but_the_ciphertext() -> None:
    s = signer("safe")
    query, body, _ = s.push(s.fields("oAbc", "text", 1, Content="秘密内容"))
    assert ("秘密内容" not in body.decode(), "oAbc" not in body.decode(), query["encrypt_type"]) == (True, True, "aes")


def test_entering_the_session_is_an_event_keyed_by_sender_and_time() -> None:
    s = signer()
    query, body, content_type = s.push(s.fields("oAbc", "event", create_time=1700000000,
                                                Event="user_enter_tempsession", SessionFrom="home"))
    push = reader().read(query, body, content_type)
    assert (push.enters_session, push.session_from, push.dedupe_key("wx-1")) == (
        True, "home", "evt:wx-1:1700000000:user_enter_tempsession")


def test_a_message_is_keyed_by_its_msg_id() -> None:
    s = signer()
    push = reader().read(*s.push(s.fields("oAbc", "text", 42, Content="x")))
    assert push.dedupe_key("wx-1") == "msg:42"


@pytest.mark.parametrize("mode", MODES)
def test_a_forged_signature_is_refused(mode: str) -> None:
    s = signer(mode)
    query, body, content_type = s.push(s.fields("oAbc", "text", 1, Content="x"))
    assert refusal(mode, {**query, "signature": "0" * 40}, body, content_type)[0] == 403


def test_a_forged_msg_signature_is_refused() -> None:
    s = signer()
    query, body, content_type = s.push(s.fields("oAbc", "text", 1, Content="x"))
    assert refusal("safe", {**query, "msg_signature": "f" * 40}, body, content_type) == (
        403, "msg_signature does not match")


def test_a_push_for_another_appid_is_refused() -> None:
    s = signer(appid="wx_someone_else_000")
    query, body, content_type = s.push(s.fields("oAbc", "text", 1, Content="x"))
    assert refusal("safe", query, body, content_type) == (403, "ciphertext is for another appid")


@pytest.mark.parametrize("position", [8, 40, 100, 150])
def test_a_tampered_ciphertext_is_refused_even_when_re_signed(position: int) -> None:
    """Whoever knows the token but not the AES key can sign, but cannot make a valid ciphertext.
    (WeChat's scheme has no MAC: a flip that lands only in the padding changes nothing and goes
    unnoticed, so the flips here land in the length and the message.)"""
    s = signer()
    query, body, content_type = s.push(s.fields("oAbc", "text", 1, Content="转人工"))
    encrypted = body.decode().split("<Encrypt>")[1].split("</Encrypt>")[0]
    raw = bytearray(base64.b64decode(encrypted))
    raw[position] ^= 0x5A
    forged = base64.b64encode(bytes(raw)).decode()
    query = {**query, "msg_signature": signature(CONFIG.token, query["timestamp"], query["nonce"], forged)}
    status, _reason = refusal("safe", query, body.decode().replace(encrypted, forged).encode(), content_type)
    assert status == 403


def test_a_plaintext_push_is_refused_in_safe_mode() -> None:
    s = signer("plain")
    assert refusal("safe", *s.push(s.fields("oAbc", "text", 1, Content="x")))[0] == 403


def test_xml_with_an_external_entity_is_refused_before_parsing() -> None:
    s = signer("plain")
    query, _body, _ = s.push(s.fields("oAbc", "text", 1, Content="x"))
    xxe = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b"<xml><ToUserName>gh</ToUserName><FromUserName>oAbc</FromUserName><CreateTime>1</CreateTime>"
           b"<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>")
    assert refusal("plain", query, xxe) == (400, "XML declarations (DOCTYPE/ENTITY) refused")


def test_an_entity_hidden_inside_the_ciphertext_is_refused_too() -> None:
    s = signer()
    plain = ('<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
             "<xml><FromUserName>oAbc</FromUserName><MsgType>text</MsgType><Content>&b;</Content></xml>")
    sealed = s._crypto.encrypt_message(plain, "nonce1", "1700000000")
    encrypted = sealed.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    query = {"signature": signature(CONFIG.token, "1700000000", "nonce1"), "timestamp": "1700000000",
             "nonce": "nonce1", "encrypt_type": "aes",
             "msg_signature": signature(CONFIG.token, "1700000000", "nonce1", encrypted)}
    body = f"<xml><ToUserName>gh</ToUserName><Encrypt>{encrypted}</Encrypt></xml>".encode()
    assert refusal("safe", query, body)[0] == 400


@pytest.mark.parametrize("content_type, status", [
    ("multipart/form-data; boundary=x", 415), ("application/octet-stream", 415), ("image/png", 415)])
def test_wrong_content_types_are_refused(content_type: str, status: int) -> None:
    s = signer()
    query, body, _ = s.push(s.fields("oAbc", "text", 1, Content="x"))
    assert refusal("safe", query, body, content_type)[0] == status


@pytest.mark.parametrize("body", [b"", b"   ", b"hello", b"<xml><unclosed>", b"\xff\xfe<xml/>", b"[1,2]",
                                  b"<notxml><a>1</a></notxml>", b"{}"])
def test_garbage_bodies_are_refused_with_a_4xx(body: bytes) -> None:
    s = signer("plain")
    query, _, _ = s.push(s.fields("oAbc", "text", 1, Content="x"))
    assert 400 <= refusal("plain", query, body, "")[0] < 500


def test_a_huge_body_is_refused() -> None:
    s = signer("plain")
    query, _, _ = s.push(s.fields("oAbc", "text", 1, Content="x"))
    assert refusal("plain", query, b"<xml>" + b"a" * 70_000 + b"</xml>")[0] == 413


def test_url_verification_echoes_echostr_only_with_a_valid_signature() -> None:
    query = {"signature": signature(CONFIG.token, "1700000000", "n1"), "timestamp": "1700000000", "nonce": "n1",
             "echostr": "8127364519"}
    with pytest.raises(PushRefused) as forged:
        reader().verify_url({**query, "nonce": "n2"})
    assert (reader().verify_url(query), forged.value.status) == ("8127364519", 403)
