"""Retention and data keys: old conversations are anonymised, new ones kept; a new key reseals."""

from __future__ import annotations

import asyncio
import time

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.db import Database
from bot.dialogue.stage import Stage
from bot.dialogue.store import ConversationStore
from bot.retention import DAY_S, purge, rekey
from bot.sealing import Sealer, Unreadable

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def db(db_url: str) -> Database:
    database = Database(db_url)
    database.create_schema()
    return database


def talk(store: ConversationStore, conversation_id: str, text: str) -> None:
    async def turn() -> None:
        async with store.turn(conversation_id, "web") as conversation:
            conversation.state.stage = Stage.FILLING
            conversation.state.form = {"applicant_name": "张测试"}
            conversation.log("person", text)

    asyncio.run(turn())


def test_a_conversation_past_retention_is_anonymised(db: Database) -> None:
    store = ConversationStore(db, Sealer([OLD]))
    talk(store, "old", "我叫张测试")
    asyncio.run(purge(db, store.sealer, retention_days=30, now=time.time() + 31 * DAY_S))
    found = asyncio.run(store.find("old"))
    lines = asyncio.run(store.transcript("old"))
    assert (found.state.form, found.state.stage, [line.text for line in lines]) == ({}, Stage.IDLE, [None])


def test_a_recent_conversation_is_kept(db: Database) -> None:
    store = ConversationStore(db, Sealer([OLD]))
    talk(store, "recent", "我叫张测试")
    asyncio.run(purge(db, store.sealer, retention_days=30))
    assert asyncio.run(store.find("recent")).state.form == {"applicant_name": "张测试"}


def test_after_rekey_the_old_key_is_no_longer_needed(db: Database) -> None:
    talk(ConversationStore(db, Sealer([OLD])), "c", "我叫张测试")
    asyncio.run(rekey(db, Sealer([NEW, OLD])))
    assert [line.text for line in asyncio.run(ConversationStore(db, Sealer([NEW])).transcript("c"))] == ["我叫张测试"]


def test_without_the_key_sealed_data_cannot_be_read(db: Database) -> None:
    talk(ConversationStore(db, Sealer([OLD])), "c", "我叫张测试")
    with pytest.raises(Unreadable):
        asyncio.run(ConversationStore(db, Sealer([NEW])).find("c"))


def test_a_wechat_person_is_kept_sealed_resealed_by_rekey_and_forgotten_after_retention(db: Database) -> None:
    from bot.settings import Settings
    from bot.wechat.config import wechat_config
    from bot.wechat.identity import WeChatUsers

    config = wechat_config(Settings(profile="embedded"))
    old_users, new_users = WeChatUsers(db, config, Sealer([OLD])), WeChatUsers(db, config, Sealer([NEW]))
    signed_in = asyncio.run(old_users.bind_identity("oSignedIn", "demo-zhang-wei"))
    asyncio.run(old_users.arrived("oWriter", entering=False))
    stored = db.call(lambda conn: [row[0] for row in conn.execute(text("SELECT openid FROM wechat_users"))])
    asyncio.run(rekey(db, Sealer([NEW, OLD])))
    readable = [asyncio.run(new_users.openid_of(new_users.conversation_id("oWriter"))),
                asyncio.run(new_users.identity_token(signed_in))]
    recent = asyncio.run(purge(db, Sealer([NEW]), retention_days=30))["wechat_people"]
    old = asyncio.run(purge(db, Sealer([NEW]), retention_days=30, now=time.time() + 31 * DAY_S))["wechat_people"]
    assert (any("oSignedIn" in v or "oWriter" in v for v in stored), readable, recent, old,
            asyncio.run(new_users.identity_token(signed_in))) == (False, ["oWriter", "demo-zhang-wei"], 0, 2, None)
