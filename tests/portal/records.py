"""What the bot recorded of a widget conversation, read from the stack's own database: browser
tests check that a double click, an old button or a reload recorded nothing twice and lost nothing."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional

from sqlalchemy import create_engine, select

from bot.db import Database
from bot.db.tables import outbox, ratings
from bot.dialogue.store import Conversation, ConversationStore
from bot.launcher.stack import Stack
from bot.sealing import Sealer
from bot.secrets import with_secrets

CONVERSATION_ID = "(JSON.parse(localStorage.getItem('yjs.session') || 'null') || {}).conversation_id"


def conversation_id(w) -> str:
    """The conversation the widget in this page holds (from its stored session)."""
    found = w.page.evaluate(CONVERSATION_ID)
    assert found, "the widget holds no conversation yet"
    return found


class Records:
    def __init__(self, stack: Stack) -> None:
        self.url = stack.settings.db_url
        self.sealer = Sealer.from_settings(with_secrets(stack.settings))

    def _run(self, work) -> Any:
        # Playwright's sync API keeps an event loop in this thread: the store's own runs in another.
        async def go() -> Any:
            db = Database(self.url)
            try:
                return await work(ConversationStore(db, self.sealer))
            finally:
                db.close()

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, go()).result(timeout=30)

    def conversation(self, conversation_id: str) -> Conversation:
        found: Optional[Conversation] = self._run(lambda store: store.find(conversation_id))
        assert found is not None, f"no conversation {conversation_id}"
        return found

    def answers(self, conversation_id: str) -> Dict[str, Any]:
        return dict(self.conversation(conversation_id).state.answers)

    def said(self, conversation_id: str) -> List[str]:
        """What the person sent, line by line, as the transcript keeps it (buttons by title)."""
        lines = self._run(lambda store: store.transcript(conversation_id))
        return [line.text or "" for line in lines if line.speaker == "person"]

    def applications(self, conversation_id: str) -> List[str]:
        """The receipt numbers (or provisional references) handed over from this conversation."""
        c = outbox.c
        query = select(c.receipt_no, c.provisional_ref).where(c.conversation_id == conversation_id)
        return [row.receipt_no or row.provisional_ref for row in self._rows(query)]

    def ratings(self, conversation_id: str) -> List[Dict[str, Any]]:
        c = ratings.c
        query = select(c.stars, c.comment).where(c.conversation_id == conversation_id).order_by(c.id)
        return [{"stars": row.stars, "comment": row.comment} for row in self._rows(query)]

    def _rows(self, query) -> List[Any]:
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(query))
        finally:
            engine.dispose()
