"""The fixes of Rasa internals (bot/rasa_speedups.py) rest on assumptions about the pinned Rasa:
each test here fails if Rasa stops behaving as a fix assumes, before the fix could misbehave."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys

import pytest
from jsonschema.exceptions import ValidationError

from bot import rasa_speedups
from bot.settings import ROOT


@pytest.fixture(scope="module")
def originals():
    """Rasa's own implementations, captured before any fix is installed (in a fresh process
    the fixes are not installed; here we only read the functions the fixes replace)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    return RemoteAction, Event, EndpointConfig


def test_rasa_validates_action_results_in_the_method_the_fix_replaces(originals) -> None:
    remote_action = originals[0]
    assert "_validate_action_result" in vars(remote_action)
    assert list(inspect.signature(remote_action._validate_action_result).parameters) == ["self", "result"]


def test_the_fast_check_accepts_what_rasa_accepts_and_refuses_what_it_refuses(originals) -> None:
    remote_action = originals[0]
    fast = rasa_speedups._fast_validate(rasa_speedups._validate_action_result)
    good = {"events": [{"event": "bot", "text": "hi"}], "responses": [{"text": "hi"}]}
    bad = {"events": [{"no_event_key": 1}], "responses": []}
    assert fast(None, good) is True
    with pytest.raises(ValidationError):
        fast(None, bad)
    with pytest.raises(ValidationError):
        rasa_speedups._validate_action_result(None, bad)
    assert remote_action.action_response_format_spec()["type"] == "object"


def test_every_event_type_resolves_to_the_same_class_with_the_cache(originals) -> None:
    from rasa.shared.utils.common import all_subclasses

    event = originals[1]
    cached = rasa_speedups._cached_event_types(event).__func__
    names = {c.type_name for c in all_subclasses(event) if getattr(c, "type_name", None)}
    assert names and all(cached(name) is event.resolve_by_type(name) for name in names)


def test_an_endpoint_session_is_an_async_context_manager_of_an_aiohttp_session(originals) -> None:
    import aiohttp

    endpoint = originals[2](url="http://127.0.0.1:9")

    async def open_it():
        shared = rasa_speedups._shared_session(originals[2].session)
        async with shared(endpoint) as first:
            pass
        async with shared(endpoint) as second:
            same = first is second and not first.closed
        await first.close()
        return isinstance(first, aiohttp.ClientSession), same

    assert asyncio.run(open_it()) == (True, True)


def test_the_rasa_server_entry_point_installs_the_fixes_before_rasa_runs() -> None:
    script = (
        "import sys\n"
        "import bot.rasa_server as entry\n"
        "entry.settings_or_exit = lambda: None\n"
        "import rasa.__main__ as rasa_main\n"
        "def fake_main():\n"
        "    from rasa.core.actions.action import RemoteAction\n"
        "    print(RemoteAction._validate_action_result.__name__)\n"
        "rasa_main.main = fake_main\n"
        "entry.main()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "validate", result.stderr[-2000:]
