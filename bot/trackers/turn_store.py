"""A tracker store that keeps nothing between turns.

The conversation's memory is ours (bot/dialogue/store.py: state, mode, transcript); Rasa's
part of a turn needs only the message in hand, since every rule maps one intent to
`action_turn`. So each turn starts a fresh tracker: no tracker grows with the conversation,
no tracker is read or written per turn, and nothing a person typed (ID numbers, phones,
parse data) is kept by Rasa. Chosen over Rasa's SQLTrackerStore on measurement
(bench/stack.py: per-turn latency and its growth over a 40-turn conversation). An event
broker, when configured, still receives every event of every turn."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker


class TurnTrackerStore(TrackerStore):
    def __init__(self, domain: Domain, host: Optional[str] = None, event_broker: Optional[EventBroker] = None,
                 **kwargs: Any) -> None:
        super().__init__(domain, event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self.event_broker is not None:
            await self.stream_events(tracker)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return None

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return None

    async def keys(self) -> Iterable[str]:
        return []

    async def delete(self, sender_id: str) -> None:
        return None
