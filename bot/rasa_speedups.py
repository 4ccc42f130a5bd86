"""Fixes for Rasa 3.6 internals that cost more per turn than everything else we do.

Installed once by our REST channel when the Rasa server builds it (`install()`), so it only
ever runs inside the Rasa server process. Each fix keeps Rasa's behaviour and messages."""

from __future__ import annotations

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


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    _INSTALLED = True
