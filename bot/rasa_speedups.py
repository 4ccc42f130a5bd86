"""Fixes for Rasa 3.6 internals that cost more per turn than everything else we do.

Installed explicitly at the Rasa server's start by `python -m bot.rasa_server` (`install()`),
before Rasa builds anything, whatever channels are configured. Each fix keeps Rasa's behaviour
and messages; tests/test_rasa_speedups.py fails if the pinned Rasa stops behaving as they
assume."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any, Dict

_INSTALLED = False


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    """Rasa calls `jsonschema.validate` on every action server reply; that re-checks the schema
    against the 2020-12 meta-schema each time (over half of a turn's CPU). Check it once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_result_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


class _Borrowed:
    """`async with endpoint.session()` that lends the shared session instead of closing it."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *exc: Any) -> bool:
        return False


def _shared_session(original: Any) -> Any:
    """Rasa opens a new aiohttp session, a new TCP connection and a DNS lookup in a thread for
    every custom action call. One kept-alive session per endpoint and event loop instead."""

    def session(self: Any) -> Any:
        loop = asyncio.get_running_loop()
        cached = getattr(self, "_shared_session", None)
        if cached is None or cached.closed or getattr(cached, "_loop", None) is not loop:
            cached = original(self)
            self._shared_session = cached
        return _Borrowed(cached)

    return session


def _fast_validate(original: Any) -> Any:
    """The full schema check costs about a millisecond a turn even compiled. Replies of the
    right shape (events and responses, lists of objects, every event named) pass at once;
    anything else still gets Rasa's full check and its error message."""

    def validate(self: Any, result: Dict[str, Any]) -> bool:
        if isinstance(result, dict) and set(result) <= {"events", "responses"}:
            events, responses = result.get("events", []), result.get("responses", [])
            if (isinstance(events, list) and isinstance(responses, list)
                    and all(isinstance(e, dict) and isinstance(e.get("event"), str) for e in events)
                    and all(isinstance(r, dict) for r in responses)):
                return True
        return original(self, result)

    return validate


def _cached_event_types(event_class: Any) -> Any:
    """Rasa finds an event's class by walking every Event subclass (and asking each whether it
    is abstract) for every event it reads: thousands of calls per turn. The classes are fixed
    once Rasa is imported; remember the answer per type name."""
    from rasa.shared.utils.common import all_subclasses

    cache: Dict[str, Any] = {}
    original = event_class.resolve_by_type

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        found = cache.get(type_name)
        if found is None:
            found = next((c for c in all_subclasses(event_class) if c.type_name == type_name), None)
            if found is None:
                return original(type_name, default)
            cache[type_name] = found
        return found

    return staticmethod(resolve_by_type)


def _retry_once_on_reset(original: Any) -> Any:
    """A kept-alive connection the action server has just closed, or a connection reset,
    fails the turn's action call, and the person gets no reply at all. The call is sent once
    more on a fresh connection; the dialogue answers a message id it has already handled from
    its record (bot/dialogue/handler.py), so the turn never runs twice."""
    import aiohttp

    async def request(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        except aiohttp.ClientConnectionError:
            return await original(self, *args, **kwargs)

    return request


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    RemoteAction._validate_action_result = _fast_validate(_validate_action_result)  # type: ignore[assignment]
    Event.resolve_by_type = _cached_event_types(Event)  # type: ignore[method-assign]
    EndpointConfig.session = _shared_session(EndpointConfig.session)  # type: ignore[method-assign]
    EndpointConfig.request = _retry_once_on_reset(EndpointConfig.request)  # type: ignore[method-assign]
    _INSTALLED = True
