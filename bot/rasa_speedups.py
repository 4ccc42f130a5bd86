"""Fixes for Rasa 3.6 internals that cost more per turn than everything else we do.

Installed once by our REST channel when the Rasa server builds it (`install()`), so it only
ever runs inside the Rasa server process. Each fix keeps Rasa's behaviour and messages."""

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


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    EndpointConfig.session = _shared_session(EndpointConfig.session)  # type: ignore[method-assign]
    _INSTALLED = True
