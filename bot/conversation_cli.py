"""`python -m bot conversation show <id>`: a conversation read back — stage, mode and the whole
transcript, personal data masked as stored."""

from __future__ import annotations

import asyncio
import sys
from typing import List, TextIO

from bot.clock import china_time
from bot.db import DatabaseUnavailable, open_database
from bot.dialogue.store import ConversationStore, Line
from bot.sealing import Sealer
from bot.settings import Settings


def show(settings: Settings, conversation_id: str, out: TextIO = sys.stdout) -> int:
    try:
        found, lines = asyncio.run(_read(settings, conversation_id))
    except DatabaseUnavailable as error:
        print(f"error: the conversation database cannot be read: {error}", file=sys.stderr)
        return 1
    if found is None:
        print(f"no conversation with id {conversation_id!r}", file=sys.stderr)
        return 1
    state = found.state
    print(f"conversation {found.conversation_id}", file=out)
    print(f"  channel {found.channel} · stage {state.stage.value} · mode {found.mode.value} · "
          f"bundle {state.bundle_id or '-'} · turns {found.turn}", file=out)
    for line in lines:
        print(_line(line), file=out)
    return 0


async def _read(settings: Settings, conversation_id: str):
    store = ConversationStore(open_database(settings.db_url), Sealer.from_settings(settings))
    return await store.find(conversation_id), await store.transcript(conversation_id)


def _line(line: Line) -> str:
    at = china_time(line.at).strftime("%Y-%m-%d %H:%M:%S")
    parts: List[str] = [f"{at}  {line.speaker:<6}{' (pushed)' if line.pushed else ''}  {line.text or ''}"]
    data = line.data or {}
    if data.get("buttons"):
        parts.append("    [" + " | ".join(b.get("title", "") for b in data["buttons"]) + "]")
    custom = data.get("custom")
    if isinstance(custom, dict) and custom.get("type"):
        parts.append(f"    <{custom['type']}>")
    return "\n".join(parts)
