"""The conversation store: one turn per conversation at a time, across processes; leases that
a killed process loses; pushed lines for the stream."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest
from cryptography.fernet import Fernet

from bot.db import Database
from bot.dialogue.stage import Stage
from bot.dialogue.store import ConversationStore, LeaseLost
from bot.sealing import Sealer
from bot.settings import ROOT

KEY = Fernet.generate_key().decode()


@pytest.fixture
def store(db_url: str) -> ConversationStore:
    db = Database(db_url)
    db.create_schema()
    return ConversationStore(db, Sealer.generated(), lease_s=0.5, wait_s=5.0)


async def count_turn(store: ConversationStore, conversation_id: str, label: str) -> None:
    async with store.turn(conversation_id, "web") as conversation:
        seen = conversation.turn
        await asyncio.sleep(0.01)  # a turn takes a while: a second one must not read `seen` too
        conversation.turn = seen + 1
        conversation.log("person", label)


def test_two_concurrent_turns_are_serialised(store: ConversationStore) -> None:
    async def both():
        await asyncio.gather(count_turn(store, "c", "a"), count_turn(store, "c", "b"))
        return await store.find("c")

    assert asyncio.run(both()).turn == 2


def test_two_processes_turns_on_one_conversation_lose_no_update(db_url: str) -> None:
    Database(db_url).create_schema()
    script = (
        "import asyncio, sys\n"
        "from bot.db import Database\n"
        "from bot.dialogue.store import ConversationStore\n"
        "from bot.sealing import Sealer\n"
        "from tests.dialogue.test_store import count_turn\n"
        "store = ConversationStore(Database(sys.argv[1]), Sealer([sys.argv[3]]), lease_s=2.0, wait_s=20.0)\n"
        "async def main():\n"
        "    for n in range(15):\n"
        "        await count_turn(store, 'shared', sys.argv[2])\n"
        "asyncio.run(main())\n"
    )
    workers = [subprocess.Popen([sys.executable, "-c", script, db_url, name, KEY], cwd=ROOT) for name in "ab"]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    found = asyncio.run(ConversationStore(Database(db_url), Sealer([KEY])).find("shared"))
    assert found.turn == 30


def test_a_turn_left_by_a_killed_process_is_free_after_the_lease(store: ConversationStore) -> None:
    async def scenario() -> float:
        await store._acquire("k", "web", "killed-process")  # taken, never given back
        started = time.monotonic()
        async with store.turn("k", "web"):
            pass
        return time.monotonic() - started

    assert 0.2 < asyncio.run(scenario()) < 2.0


def test_a_turn_that_lost_its_lease_saves_nothing(store: ConversationStore) -> None:
    async def scenario():
        with pytest.raises(LeaseLost):
            async with store.turn("l", "web") as conversation:
                conversation.state.stage = Stage.ASKING
                await store._release("l", "someone-else")  # harmless: not the holder
                await store.db.run(lambda conn: conn.exec_driver_sql(
                    "UPDATE conversations SET lease_owner = 'other' WHERE conversation_id = 'l'"), writer=True)
        return await store.find("l")

    assert asyncio.run(scenario()).state.stage is Stage.IDLE


def test_pushed_lines_are_kept_apart_from_replies(store: ConversationStore) -> None:
    async def scenario():
        async with store.turn("p", "web") as conversation:
            conversation.log("person", "你好")
            conversation.log("bot", "您好")
        await store.push("p", "system", [{"text": "申请已提交"}])
        return await store.pushed_after("p", 0)

    assert [line.text for line in asyncio.run(scenario())] == ["申请已提交"]


def test_a_push_to_an_unknown_conversation_records_nothing(store: ConversationStore) -> None:
    assert asyncio.run(store.push("nobody", "system", [{"text": "x"}])) == []


def test_an_unknown_conversation_is_not_found(store: ConversationStore) -> None:
    assert asyncio.run(store.find("nobody")) is None
