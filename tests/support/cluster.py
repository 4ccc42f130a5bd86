"""The cluster profile for tests: PostgreSQL, Redis, two Rasa servers, two action servers, the
portal and the intake service behind nginx, every port a free one, data in a throwaway folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, List

from bot.catalogue.loader import load_messages
from bot.db import open_database
from bot.dialogue.store import ConversationStore, Line
from bot.launcher.cluster import Cluster, Layout
from bot.sealing import Sealer
from bot.settings import ROOT, Settings
from tests.support.aio import run


def data_folder() -> Path:
    # Not under pytest's 0700 folders: PostgreSQL runs as its own user and must reach its data.
    folder = Path(tempfile.mkdtemp(prefix="cluster-"))
    os.chmod(folder, 0o755)
    return folder


def running_cluster(model: Path, rasa_servers: int = 2, action_servers: int = 2) -> Iterator[Cluster]:
    folder = data_folder()
    cluster = Cluster(Settings(var_dir=folder), Layout.on_free_ports(folder, rasa_servers, action_servers), model)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def store_of(cluster: Cluster) -> ConversationStore:
    """The cluster's conversation store, read from the test process (PostgreSQL, its data keys)."""
    return ConversationStore(open_database(cluster.settings.db_url), Sealer.from_settings(cluster.settings))


def apologies() -> List[str]:
    """What the bot says when it could not do the turn: never an answer to a message."""
    messages = load_messages(ROOT / "rules")
    return [messages[key] for key in ("try_again_later", "conversation_busy", "default")]


def said_by_person(cluster: Cluster, conversation_id: str) -> List[Line]:
    return [line for line in run(store_of(cluster).transcript(conversation_id)) if line.speaker == "person"]


def turns_are_whole(lines: List[Line]) -> bool:
    """Each turn is one person line followed by that turn's bot lines: turns never interleave."""
    turn = None
    for line in lines:
        if line.speaker == "person":
            if turn is not None and line.turn != turn + 1:
                return False
            turn = line.turn
        elif line.speaker == "bot" and line.turn != turn:
            return False
    return True
