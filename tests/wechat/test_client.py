"""wechatpy pointed at the stand-in (bot/wechat/client.py), the shared access token
(bot/wechat/tokens.py) and the reply outbox (bot/wechat/outbox.py), over real HTTP, on SQLite
and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from typing import List

import pytest
from sqlalchemy import select
from wechatpy import WeChatClient
from wechatpy.client.api import WeChatWxa

from bot.db import Database
from bot.db.tables import wechat_sends
from bot.launcher.process import free_port
from bot.wechat.client import WeChatApi, WeChatApiError
from bot.wechat.render import text_body
from bot.wechat.service import WeChat, build_wechat
from bot.wechat.tokens import AccessTokens, TokenUnavailable
from tests.wechat.conftest import lone_settings
from tests.wechat.standin import StandIn


def api_for(standin: StandIn, secret: str = "yjs-standin-app-secret") -> WeChatApi:
    return WeChatApi("wx00standin0000yjs", secret, standin.base)


def test_all_three_wechatpy_call_sites_reach_the_configured_base(lone_standin: StandIn) -> None:
    before = lone_standin.stats()
    api = api_for(lone_standin)
    token = api.fetch_token()["access_token"]  # WeChatClient.fetch_access_token's hard-coded URL
    openid = api.code_to_session(lone_standin.login_code("oSite1"))["openid"]  # WeChatWxa.API_BASE_URL
    lone_standin.push("oSite1", "enter")
    api.send(token, openid, text_body("你好"))  # WeChatClient.API_BASE_URL (cgi-bin/message/custom/send)
    after = lone_standin.stats()
    assert (openid, after["token_fetches"] - before["token_fetches"], after["sent"] - before["sent"]) == (
        "oSite1", 1, 1)


def test_the_base_is_per_client_and_wechatpys_own_classes_are_untouched(lone_standin: StandIn) -> None:
    elsewhere = WeChatApi("wx00standin0000yjs", "s", f"http://127.0.0.1:{free_port()}/")
    with pytest.raises(WeChatApiError) as unreachable:
        elsewhere.fetch_token()
    assert (str(unreachable.value).startswith("unreachable"), WeChatClient.API_BASE_URL, WeChatWxa.API_BASE_URL,
            "access_token" in api_for(lone_standin).fetch_token()) == (
        True, "https://api.weixin.qq.com/cgi-bin/", "https://api.weixin.qq.com/", True)


def test_wechat_errors_are_sorted_into_refetch_retry_and_give_up(lone_standin: StandIn) -> None:
    api = api_for(lone_standin)
    lone_standin.push("oSort1", "enter")
    token = api.fetch_token()["access_token"]
    errors = []
    for work in (lambda: api.send("not-a-token", "oSort1", text_body("x")),
                 lambda: api.send(token, "oNobody", text_body("x")),
                 lambda: api_for(lone_standin, secret="wrong").fetch_token()):
        with pytest.raises(WeChatApiError) as caught:
            work()
        errors.append((caught.value.errcode, caught.value.token_invalid, caught.value.permanent))
    assert errors == [(40001, True, False), (40003, False, True), (40125, False, True)]


def _two_processes(standin: StandIn, db_url: str) -> List[WeChat]:
    """Two WeChat services on separate connection pools, as two server processes have."""
    return [build_wechat(lone_settings(standin, db_url), db=Database(db_url)) for _ in range(2)]


def _create_schema(db_url: str) -> None:
    Database(db_url).create_schema()


def test_many_callers_in_two_processes_fetch_the_token_once(lone_standin: StandIn, db_url: str) -> None:
    _create_schema(db_url)
    services = _two_processes(lone_standin, db_url)
    before = lone_standin.stats()["token_fetches"]

    async def run() -> List[str]:
        return await asyncio.gather(*[s.tokens.current() for s in services for _ in range(15)])

    tokens = asyncio.run(run())
    assert (len(set(tokens)), lone_standin.stats()["token_fetches"] - before) == (1, 1)


def test_a_refused_token_is_refetched_once_whoever_notices(lone_standin: StandIn, db_url: str) -> None:
    _create_schema(db_url)
    first, second = _two_processes(lone_standin, db_url)

    async def run() -> List[str]:
        old = await first.tokens.current()
        before = lone_standin.stats()["token_fetches"]
        await asyncio.gather(first.tokens.invalidate(old), second.tokens.invalidate(old))
        fresh = await asyncio.gather(first.tokens.current(), second.tokens.current())
        return [old, *fresh, lone_standin.stats()["token_fetches"] - before]

    old, new_a, new_b, fetched = asyncio.run(run())
    assert (new_a == new_b != old, fetched) == (True, 1)


def test_a_token_endpoint_that_refuses_the_app_means_no_token(lone_standin: StandIn, db_url: str) -> None:
    _create_schema(db_url)
    api = api_for(lone_standin, secret="wrong")
    tokens = AccessTokens(Database(db_url), "wx-refused-app", api.fetch_token, __import__(
        "concurrent.futures").futures.ThreadPoolExecutor(1))
    with pytest.raises(TokenUnavailable):
        asyncio.run(tokens.current())


def _states(db: Database, conversation_id: str) -> List[str]:
    query = select(wechat_sends.c.state).where(wechat_sends.c.conversation_id == conversation_id) \
        .order_by(wechat_sends.c.id)
    return [row.state for row in db.call(lambda conn: conn.execute(query).all())]


def test_replies_wait_while_the_send_api_is_down_and_go_out_in_order_when_it_is_back(
        lone_standin: StandIn, db_url: str) -> None:
    _create_schema(db_url)
    wechat = _two_processes(lone_standin, db_url)[0]
    lone_standin.push("oDown1", "text", "在吗")
    cursor = lone_standin.sent("oDown1")["last"]

    async def run() -> List[str]:
        conversation_id = (await wechat.users.arrived("oDown1", entering=False)).conversation_id
        lone_standin.control(send_api="down")
        try:
            await wechat.sender.send_now(conversation_id, [text_body(f"第{n}条") for n in (1, 2, 3)])
            pending = _states(wechat.db, conversation_id)
        finally:
            lone_standin.control(send_api="up")
        for _ in range(200):  # the worker retries after 1 s, then 2 s…
            if _states(wechat.db, conversation_id) == ["sent"] * 3:
                break
            await asyncio.sleep(0.05)
        await wechat.sender.stop()
        return pending

    pending = asyncio.run(run())
    delivered = [m["text"]["content"] for m in lone_standin.sent("oDown1", cursor)["messages"]]
    assert (pending, delivered) == (["pending"] * 3, ["第1条", "第2条", "第3条"])


def test_a_reply_wechat_will_never_take_is_dropped_and_the_next_still_goes(lone_standin: StandIn, db_url: str) -> None:
    _create_schema(db_url)
    wechat = _two_processes(lone_standin, db_url)[0]
    lone_standin.push("oGive1", "text", "在吗")
    cursor = lone_standin.sent("oGive1")["last"]

    async def run() -> List[str]:
        conversation_id = (await wechat.users.arrived("oGive1", entering=False)).conversation_id
        await wechat.sender.send_now(conversation_id, [text_body(""), text_body("这条能到")])  # empty: 44003
        await wechat.sender.stop()
        return _states(wechat.db, conversation_id)

    states = asyncio.run(run())
    delivered = [m["text"]["content"] for m in lone_standin.sent("oGive1", cursor)["messages"]]
    assert (states, delivered) == (["failed", "sent"], ["这条能到"])


def test_two_processes_flushing_one_conversation_send_each_reply_once_in_order(
        lone_standin: StandIn, db_url: str) -> None:
    _create_schema(db_url)
    first, second = _two_processes(lone_standin, db_url)
    lone_standin.push("oTwice1", "text", "在吗")
    cursor = lone_standin.sent("oTwice1")["last"]

    async def run() -> None:
        conversation_id = (await first.users.arrived("oTwice1", entering=False)).conversation_id
        await first.sender.enqueue(conversation_id, [text_body(f"回复{n}") for n in range(1, 5)])
        await asyncio.gather(first.sender.flush(conversation_id), second.sender.flush(conversation_id))
        for _ in range(100):
            if _states(first.db, conversation_id) == ["sent"] * 4:
                break
            await asyncio.sleep(0.05)
        await first.sender.stop()
        await second.sender.stop()

    asyncio.run(run())
    delivered = [m["text"]["content"] for m in lone_standin.sent("oTwice1", cursor)["messages"]]
    assert delivered == ["回复1", "回复2", "回复3", "回复4"]


def test_the_body_queued_is_the_send_apis_message_sealed(lone_standin: StandIn, db_url: str) -> None:
    """The queue keeps no openid, only the conversation id and the message, sealed at rest."""
    _create_schema(db_url)
    wechat = _two_processes(lone_standin, db_url)[0]

    async def run() -> str:
        conversation_id = (await wechat.users.arrived("oQueue1", entering=False)).conversation_id
        await wechat.sender.enqueue(conversation_id, [text_body("队列")])
        await wechat.sender.stop()
        return conversation_id

    conversation_id = asyncio.run(run())
    rows = wechat.db.call(lambda conn: conn.execute(
        select(wechat_sends.c.body).where(wechat_sends.c.conversation_id == conversation_id)).all())
    assert ([json.loads(wechat.sealer.open(r.body)) for r in rows], "队列" in rows[0].body) == (
        [text_body("队列")], False)
