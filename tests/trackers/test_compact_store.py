"""The compact tracker store keeps trackers bounded, keeps the state slot, and persists them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import ROOT
from bot.trackers.compact_store import CompactTrackerStore
from tests.support.aio import run


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def _long_tracker(domain: Domain, turns: int) -> DialogueStateTracker:
    tracker = DialogueStateTracker("someone", domain.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    for n in range(turns):
        tracker.update(UserUttered(f"第{n}句", {"name": "answer", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_reply"))
        tracker.update(BotUttered(f"回答{n}", {"custom": {"type": "question", "n": n}}))
        tracker.update(SlotSet("session", {"stage": "asking", "turn": n}))
        tracker.update(ActionExecuted("action_listen"))
    return tracker


def _store(domain: Domain, path: Path) -> CompactTrackerStore:
    return CompactTrackerStore(domain, db=str(path / "trackers.db"), keep_turns=3)


def test_a_long_conversation_is_stored_with_a_bounded_number_of_events(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path)
    run(store.save(_long_tracker(domain, 40)))
    short = run(store.retrieve("someone"))
    assert len(short.events) < 3 * 5 + 6


def test_the_state_slot_survives_compaction(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path)
    run(store.save(_long_tracker(domain, 40)))
    assert run(store.retrieve("someone")).get_slot("session") == {"stage": "asking", "turn": 39}


def test_the_last_user_message_is_kept(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path)
    run(store.save(_long_tracker(domain, 40)))
    assert run(store.retrieve("someone")).latest_message.text == "第39句"


def test_a_compacted_tracker_still_starts_with_a_session(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path)
    run(store.save(_long_tracker(domain, 40)))
    events = run(store.retrieve("someone")).events
    assert (events[0].action_name, type(events[1])) == ("action_session_start", SessionStarted)


def test_a_new_store_on_the_same_file_continues_the_conversation(domain: Domain, tmp_path: Path) -> None:
    run(_store(domain, tmp_path).save(_long_tracker(domain, 5)))
    again = run(_store(domain, tmp_path).retrieve("someone"))
    assert again.get_slot("session") == {"stage": "asking", "turn": 4}


def test_an_unknown_conversation_is_none(domain: Domain, tmp_path: Path) -> None:
    assert run(_store(domain, tmp_path).retrieve("nobody")) is None


def test_a_deleted_conversation_is_gone_from_disk_too(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path)
    run(store.save(_long_tracker(domain, 2)))
    run(store.delete("someone"))
    assert run(_store(domain, tmp_path).retrieve("someone")) is None
