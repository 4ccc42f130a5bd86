"""A message pushed outside a reply reaches the person whichever process holds their connection:
the widget's event stream through nginx (unbuffered), and socket.io clients through the message
queue on Redis, whichever Rasa server holds their socket."""

from __future__ import annotations

import http.client
import json
import threading
import time
from typing import List

import pytest

from bot.channels.socket_queue import push_adapters
from bot.dialogue.delivery import Delivery
from tests.conftest import Chat, open_session
from tests.conversation.test_socketio import SocketChat
from tests.support.aio import run
from tests.support.cluster import store_of

pytestmark = [pytest.mark.servers, pytest.mark.cluster]


def push(cluster, conversation_id: str, text: str) -> None:
    """As an action server pushes (bot/runtime.py): the transcript, then the socket.io queue."""
    async def send() -> bool:
        return await Delivery(store_of(cluster), push_adapters(cluster.settings.redis_url)).push(
            conversation_id, [{"text": text}])

    assert run(send())


def test_a_pushed_message_streams_through_nginx_at_once(cluster) -> None:
    chat = Chat(cluster)
    chat.send("你好")
    events: List[dict] = []
    connection = http.client.HTTPConnection(cluster.configured.host, cluster.layout.port, timeout=30)
    connection.request("GET", f"/api/v1/conversations/{chat.sender}/stream?session={chat.token}")
    stream = connection.getresponse()

    def read() -> None:
        kind = ""
        for raw in stream:
            line = raw.decode("utf-8").strip()
            if line.startswith("event: "):
                kind = line[7:]
            if line.startswith("data: ") and kind == "message":  # not the regular "alive"
                events.append(json.loads(line[6:]))
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.5)  # the stream is open at the portal
    push(cluster, chat.sender, "您的申请已经受理")
    reader.join(10)  # how fast is bench desk's figure; here, that it arrives
    connection.close()
    assert [e.get("text") for e in events] == ["您的申请已经受理"]


def test_a_pushed_message_reaches_a_socket_held_by_a_rasa_server(cluster) -> None:
    session = open_session(cluster.settings.rasa_url)
    Chat(cluster, session=session).send("你好")  # the conversation exists
    socket = SocketChat(cluster.settings.rasa_url)  # through nginx, to whichever server
    try:
        socket.session(session["session_token"])
        before = len(socket.events)
        push(cluster, session["conversation_id"], "有一条新消息")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not socket.events[before:]:
            time.sleep(0.05)
        received = [data for event, data in socket.events[before:] if event == "bot_uttered"]
    finally:
        socket.close()
    assert [m.get("text") for m in received] == ["有一条新消息"]
