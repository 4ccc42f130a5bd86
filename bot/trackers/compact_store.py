"""A tracker store that keeps only what the dialogue needs: bounded size, persisted in SQLite.

Rasa sends the whole tracker to the action server on every custom action and featurizes it for
every prediction, so an ever-growing tracker makes every turn slower. This store keeps the
session start, one SlotSet per slot that differs from its initial value, and the last few user
turns. Our state lives in slots; RulePolicy rules look only a turn or two back."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_KEEP_TURNS = 3


def compact_events(tracker: DialogueStateTracker, domain: Domain, keep_turns: int) -> List[Event]:
    events = list(tracker.events)
    user_positions = [i for i, e in enumerate(events) if isinstance(e, UserUttered)]
    if len(user_positions) <= keep_turns:
        return events
    cut = user_positions[-keep_turns]
    # Start the tail at the action_listen that preceded that user message, as rules expect.
    if cut > 0 and isinstance(events[cut - 1], ActionExecuted):
        cut -= 1
    head: List[Event] = []
    started_at = next((e.timestamp for e in events if isinstance(e, SessionStarted)), events[0].timestamp)
    head.append(ActionExecuted("action_session_start", timestamp=started_at))
    head.append(SessionStarted(timestamp=started_at))
    slots_in_tail = {e.key for e in events[cut:] if isinstance(e, SlotSet)}
    for slot in domain.slots:
        value = tracker.get_slot(slot.name)
        if slot.name in slots_in_tail or value == slot.initial_value:
            continue
        head.append(SlotSet(slot.name, value, timestamp=started_at))
    return head + events[cut:]


class CompactTrackerStore(TrackerStore):
    """Kept in SQLite (WAL), read on every turn: several Rasa server processes may serve the
    same conversation, and conversations survive a restart. Compact trackers make it cheap."""

    def __init__(
        self,
        domain: Domain,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        db: str = "var/trackers.db",
        keep_turns: int = DEFAULT_KEEP_TURNS,
        **kwargs: Dict[str, Any],
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.keep_turns = int(keep_turns)
        path = Path(db)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS trackers (sender_id TEXT PRIMARY KEY, events TEXT NOT NULL,"
            " updated_at REAL NOT NULL)"
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self.event_broker is not None:
            await self.stream_events(tracker)
        events = [e.as_dict() for e in compact_events(tracker, self.domain, self.keep_turns)]
        updated = events[-1]["timestamp"] if events else 0.0
        with self._lock:
            self._db.execute(
                "INSERT INTO trackers (sender_id, events, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(sender_id) DO UPDATE SET events = excluded.events, updated_at = excluded.updated_at",
                (tracker.sender_id, json.dumps(events, ensure_ascii=False), updated),
            )

    def _load(self, sender_id: str) -> Optional[List[Dict[str, Any]]]:
        with self._lock:
            row = self._db.execute("SELECT events FROM trackers WHERE sender_id = ?", (sender_id,)).fetchone()
        return json.loads(row[0]) if row else None

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        events = self._load(sender_id)
        if events is None:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self.retrieve(sender_id)

    async def keys(self) -> Iterable[str]:
        with self._lock:
            rows = self._db.execute("SELECT sender_id FROM trackers").fetchall()
        return [r[0] for r in rows]

    async def delete(self, sender_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM trackers WHERE sender_id = ?", (sender_id,))
