"""The mini-program's backend over HTTP against the running stack: `wx.login` codes from the
WeChat stand-in exchanged at the portal, the chat through the portal's pass-through, and 我的办件."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, Optional, Tuple

import pytest

from bot.catalogue import Catalogue
from bot.launcher.stack import Stack
from tests.conftest import Chat
from tests.conversation.driver import drive_to_receipt
from tests.wechat.standin import StandIn


def _call(stack: Stack, path: str, body: Any = None, token: Optional[str] = None,
          raw: Optional[bytes] = None) -> Tuple[int, Dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(stack.settings.portal_url + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _login(stack: Stack, standin: StandIn, openid: str, identity: str = "") -> Tuple[int, Dict[str, Any]]:
    return _call(stack, "/api/v1/miniprogram/login",
                 {"code": standin.login_code(openid), "identity_token": identity})


def _portal_chat(stack: Stack, session: Dict[str, Any]) -> Chat:
    """A chat as the mini-program holds it: its login's session, through the portal's origin."""
    chat = Chat(stack, channel="miniprogram", session=session)
    chat.url = f"{stack.settings.portal_url}/webhooks/rest/webhook"
    return chat


def _openid() -> str:
    return "o" + uuid.uuid4().hex[:27]


def test_a_login_code_gives_a_session_for_the_openids_conversation(stack: Stack, standin: StandIn) -> None:
    openid = _openid()
    first_status, first = _login(stack, standin, openid)
    _, again = _login(stack, standin, openid)
    assert (first_status, first["signed_in"], again["conversation_id"]) == (200, False, first["conversation_id"])


def test_a_login_code_works_once_as_wechats_do(stack: Stack, standin: StandIn) -> None:
    code = standin.login_code(_openid())
    _call(stack, "/api/v1/miniprogram/login", {"code": code})
    status, body = _call(stack, "/api/v1/miniprogram/login", {"code": code})
    assert (status, body["error"]) == (400, "login_failed")


@pytest.mark.parametrize("body, error", [
    ({}, "invalid_code"),
    ({"code": 12345}, "invalid_code"),
    ({"code": "x" * 500}, "invalid_code"),
    ({"code": "made-up-code"}, "login_failed"),
], ids=["no code", "a number", "too long", "never issued"])
def test_a_bad_login_is_refused_politely(stack: Stack, body: Dict[str, Any], error: str) -> None:
    status, answer = _call(stack, "/api/v1/miniprogram/login", body)
    assert (status, answer["error"], bool(answer["message"])) == (400, error, True)


def test_a_login_body_that_is_not_json_is_refused(stack: Stack) -> None:
    status, answer = _call(stack, "/api/v1/miniprogram/login", raw=b"{not json")
    assert (status, "error" in answer) == (400, True)


def test_an_unknown_sign_in_is_refused_and_binds_nothing(stack: Stack, standin: StandIn) -> None:
    status, answer = _login(stack, standin, _openid(), identity="demo-nobody-at-all")
    assert (status, answer["error"]) == (400, "unknown_identity")


def test_a_signed_in_login_prefills_the_conversation(stack: Stack, standin: StandIn) -> None:
    status, session = _login(stack, standin, _openid(), identity="demo-zhang-wei")
    chat = _portal_chat(stack, session)
    chat.send("孩子刚出生要办什么")
    assert (status, session["signed_in"], chat.last != []) == (200, True, True)


def test_the_session_token_is_needed_to_see_my_applications(stack: Stack) -> None:
    status, answer = _call(stack, "/api/v1/applications")
    assert (status, answer["error"]) == (401, "session_required")


def test_a_forged_session_token_sees_nothing(stack: Stack) -> None:
    status, answer = _call(stack, "/api/v1/applications", token="eyJhbGciOiJIUzI1NiJ9.e30.forged")
    assert (status, answer["error"]) == (401, "session_invalid")


def test_a_new_conversation_has_no_applications(stack: Stack, standin: StandIn) -> None:
    _, session = _login(stack, standin, _openid())
    status, answer = _call(stack, "/api/v1/applications", token=session["session_token"])
    assert (status, answer["applications"]) == (200, [])


def test_an_application_filed_in_the_mini_program_is_listed_with_its_status(
        stack: Stack, standin: StandIn, catalogue: Catalogue) -> None:
    _, session = _login(stack, standin, _openid(), identity="demo-zhang-wei")
    application = drive_to_receipt(_portal_chat(stack, session), catalogue, "我要退休了", "retirement")
    _, answer = _call(stack, "/api/v1/applications", token=session["session_token"])
    listed = answer["applications"]
    assert [(a["receipt_no"], a["bundle_id"], a["bundle_name"], bool(a["status_label"])) for a in listed] == [
        (application["receipt_no"], "retirement", catalogue.bundles["retirement"].name, True)]


def test_another_conversations_token_does_not_see_my_applications(
        stack: Stack, standin: StandIn, catalogue: Catalogue) -> None:
    _, mine = _login(stack, standin, _openid())
    drive_to_receipt(_portal_chat(stack, mine), catalogue, "我要退休了", "retirement")
    _, theirs = _login(stack, standin, _openid())
    _, answer = _call(stack, "/api/v1/applications", token=theirs["session_token"])
    assert answer["applications"] == []
