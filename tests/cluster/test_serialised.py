"""Two messages of one conversation sent at the same moment to two different Rasa servers: both
answered, one after the other — no lost update, no interleaved turn — as the transcript shows."""

from __future__ import annotations

import threading
from typing import List

import pytest

from tests.conftest import Chat, open_session, post_json
from tests.support.aio import run
from tests.support.cluster import apologies, store_of, turns_are_whole

pytestmark = [pytest.mark.servers, pytest.mark.cluster]

PAIRS = [
    ("为啥要问这个", "这个必须答吗"),
    ("现在要带哪些材料", "为什么要问这个"),
    ("不懂为啥问这个", "到目前为止要准备什么材料"),
]


def test_two_turns_at_once_on_two_rasa_servers_are_serialised(cluster) -> None:
    session = open_session(cluster.settings.rasa_url)
    chat = Chat(cluster, session=session)
    chat.send('/choose_bundle{"bundle_id":"newborn"}')
    # Straight to each Rasa server, not through nginx: the two turns are surely on two servers.
    servers = [f"http://{cluster.configured.host}:{port}/webhooks/rest/webhook" for port in cluster.layout.rasa_ports]
    replies: List[str] = []
    def say(url: str, text: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        answer = post_json(url, {"sender": chat.sender, "message": text, "metadata": {"channel": "web"}}, chat.token)
        replies.append("\n".join(m.get("text", "") for m in answer))

    for pair in PAIRS:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=say, args=(url, text, barrier))
                   for url, text in zip(servers, pair, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    lines = run(store_of(cluster).transcript(chat.sender))
    conversation = run(store_of(cluster).find(chat.sender))
    said = sorted([line.text for line in lines if line.speaker == "person"][1:])  # after choosing the bundle
    sorry = [text for text in replies if any(s in text for s in apologies())]
    assert (len(replies), sorry, said, conversation.turn, turns_are_whole(lines)) == (
        6, [], sorted(text for pair in PAIRS for text in pair), 7, True)
