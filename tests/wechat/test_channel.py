"""The WeChat channel over real HTTP: the stand-in pushes signed, encrypted messages (safe mode,
the embedded default) to the whole stack and records what the bot sends back through the API."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, List

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.tables import wechat_users
from bot.dialogue.store import ConversationStore, Mode
from bot.launcher.stack import Stack
from bot.sealing import Sealer
from bot.sessions import Sessions
from bot.wechat.config import WEBHOOK_PATH, wechat_config
from bot.wechat.identity import conversation_id_for
from bot.wechat_standin.pushes import PushSigner, signature
from tests.conftest import Chat
from tests.wechat.conftest import with_its_secrets
from tests.wechat.person import Person, drive, texts
from tests.wechat.standin import StandIn

pytestmark = pytest.mark.servers
RECEIPT = re.compile(r"受理编号是 (YJS-\d{8}-[0-9A-Z]{6})")
NOTE = "您的申请已正式提交，受理编号是 YJS-20261205-ABCDEF。"


def store_of(stack: Stack) -> ConversationStore:
    return ConversationStore(Database(stack.settings.db_url), Sealer.from_settings(with_its_secrets(stack)))


def conversation_of(stack: Stack, person: Person) -> str:
    return conversation_id_for(wechat_config(stack.settings), person.openid)


def logs(stack: Stack) -> str:
    return "\n".join(p.read_text(errors="replace") for p in (stack.settings.var_dir / "logs").glob("*.log"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


def test_a_whole_conversation_reaches_the_receipt_answering_by_number_and_by_words(
        stack: Stack, standin: StandIn, catalogue) -> None:
    errors_before = standin.stats()["errors"]
    person = Person(standin)
    receipt = drive(person, catalogue, "孩子刚出生，要办哪些手续", by="mixed")
    sent = [m for turn in person.turns for m in turn]
    replies_typed = len(person.turns)
    assert (bool(RECEIPT.search(receipt)), any(m["msgtype"] == "link" for m in sent), replies_typed > 10,
            max(len(turn) for turn in person.turns) <= 3, standin.stats()["errors"] == errors_before) == (
        True, True, True, True, True)


def test_the_conversation_is_kept_under_a_derived_id_and_the_openid_is_never_logged(
        stack: Stack, standin: StandIn, catalogue) -> None:
    person = Person(standin)
    drive(person, catalogue, "想在小区门口开个面馆", by="number", until=lambda t: "回复" in t)
    lines = asyncio.run(store_of(stack).transcript(conversation_of(stack, person)))
    assert (len(lines) >= 2, {line.channel for line in lines}, person.openid in logs(stack)) == (
        True, {"wechat"}, False)


def test_the_card_opens_the_notice_and_the_form_in_full(stack: Stack, standin: StandIn, catalogue) -> None:
    person = Person(standin)
    drive(person, catalogue, "孩子刚出生，要办哪些手续", until=lambda t: "【一次性告知】" in t)
    card = next(m for turn in person.turns for m in turn if m["msgtype"] == "link")
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(card["link"]["url"], timeout=10)
    target = redirect.value.headers["Location"]
    data = json.loads(urllib.parse.unquote(target.split("#", 1)[1]))
    forged = card["link"]["url"][:-3] + "abc"
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(forged, timeout=10)
    assert (redirect.value.code, target.startswith("/notice#"), len(data["notice"]["materials"]) > 3,
            len(data["form"]["fields"]) > 3, gone.value.code) == (302, True, True, True, 404)


def test_the_card_opened_after_filing_prints_the_receipt_number(stack: Stack, standin: StandIn, catalogue) -> None:
    person = Person(standin)
    number = RECEIPT.search(drive(person, catalogue, "孩子刚出生，要办哪些手续", by="number")).group(1)
    card = [m for turn in person.turns for m in turn if m["msgtype"] == "link"][-1]
    with pytest.raises(urllib.error.HTTPError) as redirect:
        urllib.request.build_opener(_NoRedirect).open(card["link"]["url"], timeout=10)
    data = json.loads(urllib.parse.unquote(redirect.value.headers["Location"].split("#", 1)[1]))
    assert (data["application"]["receipt_no"], data["application"]["bundle_id"], data["notice"]["bundle_id"]) == (
        number, "newborn", "newborn")


def test_entering_the_session_is_greeted_once_even_when_wechat_retries(stack: Stack, standin: StandIn) -> None:
    person = Person(standin)
    greeting = person.enter(repeat=3)
    cursor = standin.sent(person.openid)["last"]
    person.push("enter")  # back a minute later: the same session
    time.sleep(1.5)
    again = standin.sent(person.openid, cursor)["messages"]
    assert (len(greeting), texts(greeting)[0].startswith("您好！"), "回复 1 " in texts(greeting)[0], again) == (
        1, True, True, [])


def test_a_push_retried_three_times_within_5_s_yields_one_turn_and_one_set_of_replies(
        stack: Stack, standin: StandIn) -> None:
    person = Person(standin)
    replies = person.say("孩子刚出生要办什么", repeat=3)
    time.sleep(1.0)
    lines = asyncio.run(store_of(stack).transcript(conversation_of(stack, person)))
    person_lines = [line for line in lines if line.speaker == "person"]
    assert (len(replies), len(standin.sent(person.openid)["messages"]), len(person_lines),
            max(person.acks_ms) < 1000) == (1, 1, 1, True)


def test_the_ack_comes_within_a_second_even_when_the_bot_is_slow(stack: Stack, standin: StandIn) -> None:
    """The action server frozen (SIGSTOP): WeChat still gets `success` at once, the reply later."""
    person = Person(standin)
    actions = next(p for p in stack.processes if p.name == "action server")
    os.kill(actions.pid, signal.SIGSTOP)
    try:
        result = person.push("text", "我想开个饭店")
        time.sleep(2.0)
        during = standin.sent(person.openid)["messages"]
    finally:
        os.kill(actions.pid, signal.SIGCONT)
    after = standin.wait_for(person.openid, 1, timeout_s=30)
    attempt = result["attempts"][0]
    assert ((attempt["status"], attempt["body"]), attempt["ms"] < 1000, during, len(after)) == (
        (200, "success"), True, [], 1)


def _post(stack: Stack, query: Dict[str, str], body: bytes, content_type: str = "text/xml") -> int:
    url = f"{stack.settings.rasa_url}{WEBHOOK_PATH}?{urllib.parse.urlencode(query)}"
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_forged_signature_a_wrong_appid_and_a_tampered_ciphertext_are_refused_and_logged(
        stack: Stack, standin: StandIn) -> None:
    config = wechat_config(stack.settings)
    genuine = PushSigner(config.token, config.aes_key, config.appid)
    foreign = PushSigner(config.token, config.aes_key, "wx_another_app_00")
    logged_before = logs(stack).count("WeChat push refused")
    statuses: List[int] = []
    for openid, (query, body, content_type) in [
        ("oForged1", genuine.push(genuine.fields("oForged1", "text", 91001, Content="转人工"))),
        ("oForeign1", foreign.push(foreign.fields("oForeign1", "text", 91002, Content="转人工"))),
    ]:
        if openid == "oForged1":
            query = {**query, "signature": "0" * 40}
        statuses.append(_post(stack, query, body, content_type))
    query, body, content_type = genuine.push(genuine.fields("oTamper1", "text", 91003, Content="转人工"))
    encrypted = body.decode().split("<Encrypt>")[1].split("</Encrypt>")[0]
    tampered = encrypted[:40] + ("A" if encrypted[40] != "A" else "B") + encrypted[41:]
    query = {**query, "msg_signature": signature(config.token, query["timestamp"], query["nonce"], tampered)}
    statuses.append(_post(stack, query, body.decode().replace(encrypted, tampered).encode(), content_type))
    time.sleep(1.0)
    answered = [standin.sent(o)["messages"] for o in ("oForged1", "oForeign1", "oTamper1")]
    assert (statuses, answered, logs(stack).count("WeChat push refused") - logged_before) == (
        [403, 403, 403], [[], [], []], 3)


def test_the_token_is_refetched_once_after_a_40001_and_then_serves_many_messages(
        stack: Stack, standin: StandIn) -> None:
    standin.control(invalidate_tokens=True)  # every token WeChat gave is now refused with 40001
    before = standin.stats()
    first = Person(standin)
    first.say("你好")
    after_first = standin.stats()
    people = [Person(standin) for _ in range(3)]
    for person in people:
        person.say("孩子刚出生要办什么")
        person.say("1")
    after_many = standin.stats()
    assert (after_first["token_fetches"] - before["token_fetches"],
            after_many["token_fetches"] - after_first["token_fetches"],
            after_first["errors"].get("40001", 0) - before["errors"].get("40001", 0) >= 1,
            after_many["sent"] - after_first["sent"] >= 6) == (1, 0, True, True)


def test_with_the_send_api_down_the_reply_is_retried_and_nothing_is_lost(stack: Stack, standin: StandIn) -> None:
    person = Person(standin)
    standin.control(send_api="down")
    try:
        result = person.push("text", "孩子刚出生要办什么")
        time.sleep(2.0)
        during = standin.sent(person.openid)["messages"]
    finally:
        standin.control(send_api="up")
    later = standin.wait_for(person.openid, 1, timeout_s=30)
    assert (result["attempts"][0]["body"], during, len(later), "新生儿出生一件事" in texts(later)[0],
            "回复 1 " in texts(later)[0]) == ("success", [], 1, True, True)


def test_a_person_signed_in_to_the_mini_program_gets_exemptions_and_prefill(
        stack: Stack, standin: StandIn, catalogue) -> None:
    signed_in, anonymous = Person(standin), Person(standin)
    code = standin.login_code(signed_in.openid)  # what wx.login() gives the mini-program
    request = urllib.request.Request(f"{stack.settings.portal_url}/dev/wechat/sign-in",
                                     data=json.dumps({"code": code, "identity_token": "demo-zhang-wei"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as resp:
        answer = json.loads(resp.read())
    notices = [drive(p, catalogue, "孩子刚出生，要办哪些手续", until=lambda t: "【一次性告知】" in t)
               for p in (signed_in, anonymous)]
    exempt = [int(re.search(r"(\d+)项政府已有免提交", n).group(1)) for n in notices]
    prefilled = [int(re.search(r"已自动填好(\d+)项", "\n".join(t for turn in p.turns for t in texts(turn))).group(1))
                 for p in (signed_in, anonymous)]
    assert (answer, exempt[0] > 0, exempt[1], prefilled[0] > prefilled[1]) == ({"signed_in": True}, True, 0, True)


def test_asking_for_a_human_on_wechat_leaves_the_conversation_waiting_for_the_desk(
        stack: Stack, standin: StandIn) -> None:
    """The agent desk (P11) takes conversations waiting for a person, whatever their channel."""
    person = Person(standin)
    replies = person.say("转人工")
    conversation = asyncio.run(store_of(stack).find(conversation_of(stack, person)))
    # The honest hand-off (queue place, or nobody online and a call back offered) says 人工.
    assert ("人工" in texts(replies)[0], conversation.mode, conversation.channel) == (
        True, Mode.WAITING, "wechat")


def test_a_message_pushed_outside_a_reply_reaches_the_wechat_user(stack: Stack, standin: StandIn) -> None:
    """Delivery (an application delivered later, an agent's words) through the WeChat adapter,
    as the action server's outbox worker calls it."""
    from bot.dialogue.delivery import Delivery
    from bot.wechat.delivery import WeChatDelivery
    from bot.wechat.service import build_wechat

    person = Person(standin)
    person.say("你好")
    cursor = standin.sent(person.openid)["last"]

    async def push() -> bool:
        wechat = build_wechat(with_its_secrets(stack), db=Database(stack.settings.db_url))
        delivery = Delivery(ConversationStore(wechat.db, wechat.sealer), {"wechat": WeChatDelivery(wechat)})
        try:
            return await delivery.push(conversation_of(stack, person), [{"text": NOTE}])
        finally:
            await wechat.sender.stop()

    pushed = asyncio.run(push())
    arrived = standin.wait_for(person.openid, 1, cursor)
    assert (pushed, texts(arrived)) == (True, [NOTE])


def test_a_json_push_in_safe_mode_is_answered_too(stack: Stack, standin: StandIn) -> None:
    config = wechat_config(stack.settings)
    person = Person(standin)
    person.enter()  # WeChat knows the person (and allows replies) once they entered the session
    cursor = standin.sent(person.openid)["last"]
    signer = PushSigner(config.token, config.aes_key, config.appid, fmt="json")
    query, body, content_type = signer.push(signer.fields(person.openid, "text", 93001, Content="转人工"))
    status = _post(stack, query, body, content_type)
    replies = standin.wait_for(person.openid, 1, cursor)
    assert (status, content_type, "人工" in texts(replies)[-1]) == (200, "application/json", True)


def test_entering_from_the_mini_programs_human_button_leaves_the_hand_off_waiting(
        stack: Stack, standin: StandIn) -> None:
    """The mini-program's 转人工 opens this chat with session-from = its conversation id; when that
    conversation (same person, same id) waits for a person, no greeting turn hands it back."""
    person = Person(standin)
    conversation_id = conversation_of(stack, person)
    # The mini-program's sign-in gives its chat page a session for the same conversation.
    _session, token = Sessions.from_settings(with_its_secrets(stack)).issue(conversation_id, channel="miniprogram")
    Chat(stack, channel="miniprogram", session={"conversation_id": conversation_id, "session_token": token}) \
        .send("转人工")
    standin.push(person.openid, "enter", session_from=conversation_id)
    time.sleep(1.5)
    conversation = asyncio.run(store_of(stack).find(conversation_id))
    linked = Database(stack.settings.db_url).call(lambda conn: conn.execute(
        select(wechat_users.c.session_from).where(wechat_users.c.conversation_id == conversation_id)).scalar())
    assert (standin.sent(person.openid)["messages"], conversation.mode, linked) == ([], Mode.WAITING, conversation_id)
