"""Whether the person waiting still has the widget open (bot/desk/view.py `left`), from what the
portal's streams report (bot/portal/conversation_stream.py `PushHub.presence`) and the desk's
janitor records (bot/desk/queue.py `seen`)."""

from __future__ import annotations

from bot.desk.desk import CITIZEN_LEFT_S
from bot.desk.view import left
from bot.portal.conversation_stream import CLOSED_KEPT_S, PushHub
from tests.desk.conftest import LocalDesk


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _hub(now: float) -> PushHub:
    return PushHub(store=None, clock=Clock(now))  # presence never reads the store


def _waiting(local: LocalDesk) -> str:
    local.staff()  # with nobody online the person is offered a call back instead of the queue
    sender = local.citizen_waiting()
    assert local.run(local.desk.queue.latest_row(sender)).state == "waiting"
    return sender


def _left(local: LocalDesk, sender: str) -> bool:
    return left(local.desk, local.run(local.desk.queue.latest_row(sender)))


def test_an_open_stream_is_reported_as_seen_now() -> None:
    hub = _hub(1000.0)
    hub.subscribe("web-a")
    assert hub.presence() == {"web-a": 1000.0}


def test_a_stream_that_closed_is_reported_with_the_moment_it_closed() -> None:
    hub = _hub(1000.0)
    hub.unsubscribe("web-a", hub.subscribe("web-a"))
    hub.clock.now = 1003.0
    assert hub.presence() == {"web-a": 1000.0}


def test_a_conversation_still_open_in_another_tab_is_seen_now() -> None:
    hub = _hub(1000.0)
    first, _second = hub.subscribe("web-a"), hub.subscribe("web-a")
    hub.unsubscribe("web-a", first)
    hub.clock.now = 1003.0
    assert hub.presence() == {"web-a": 1003.0}


def test_a_page_reloaded_is_seen_now_not_at_its_old_close() -> None:
    hub = _hub(1000.0)
    hub.unsubscribe("web-a", hub.subscribe("web-a"))
    hub.clock.now = 1001.0
    hub.subscribe("web-a")
    assert hub.presence() == {"web-a": 1001.0}


def test_a_stream_closed_long_ago_is_forgotten() -> None:
    hub = _hub(1000.0)
    hub.unsubscribe("web-a", hub.subscribe("web-a"))
    hub.clock.now = 1000.0 + CLOSED_KEPT_S + 1
    assert hub.presence() == {}


def test_a_person_who_closed_the_widget_before_the_desk_looked_is_shown_as_gone(local: LocalDesk) -> None:
    sender = _waiting(local)
    local.run(local.desk.queue.seen({sender: local.now - 0.5}))  # closed just after 转人工
    local.now += CITIZEN_LEFT_S + 1
    assert _left(local, sender) is True


def test_a_person_seen_within_the_last_seconds_is_not_shown_as_gone(local: LocalDesk) -> None:
    sender = _waiting(local)
    local.run(local.desk.queue.seen({sender: local.now}))
    local.now += CITIZEN_LEFT_S - 1
    assert _left(local, sender) is False


def test_an_older_report_from_another_process_does_not_move_the_last_sight_back(local: LocalDesk) -> None:
    sender = _waiting(local)
    local.run(local.desk.queue.seen({sender: local.now}))
    local.run(local.desk.queue.seen({sender: local.now - 30}))
    local.now += CITIZEN_LEFT_S - 1
    assert _left(local, sender) is False


def test_a_person_the_desk_never_saw_is_not_called_gone(local: LocalDesk) -> None:
    sender = _waiting(local)
    local.now += CITIZEN_LEFT_S + 60
    assert _left(local, sender) is False
