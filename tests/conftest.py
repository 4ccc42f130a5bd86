"""Shared fixtures: the real catalogue and engine, and the whole stack on free localhost ports."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import jsonschema
import pytest

from bot.catalogue import Catalogue, load_catalogue
from bot.engine import Engine
from bot.engine.routing_examples import load_routing_examples
from bot.launcher.model import ensure_model
from bot.launcher.process import free_port
from bot.launcher.stack import Stack
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = jsonschema.Draft7Validator(json.loads((ROOT / "docs" / "message-contract.schema.json").read_text()))


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT / "rules")


@pytest.fixture(scope="session")
def engine(catalogue: Catalogue) -> Engine:
    """As the action server builds it: the catalogue plus the NLU's routing examples."""
    return Engine(catalogue, load_routing_examples(ROOT / "data" / "nlu" / "bundles"))


def stack_settings(var_dir: Path, **overrides: Any) -> Settings:
    ports = {name: free_port() for name in ("rasa_port", "action_port", "intake_port", "portal_port",
                                            "wechat_standin_port")}
    # desk_agent_timeout_s: an agent's closed tab loses their conversations within seconds, not half a minute
    return Settings(var_dir=var_dir, desk_agent_timeout_s=6.0, **{**ports, **overrides})


def post_json(url: str, body: Any, token: Optional[str] = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=60) as resp:
        return json.loads(resp.read())


def open_session(rasa_url: str, identity_token: Optional[str] = None, channel: str = "web") -> Dict[str, Any]:
    """A new conversation's session from the REST channel, as the widget gets one."""
    return post_json(f"{rasa_url}/webhooks/rest/session", {"identity_token": identity_token or "",
                                                           "channel": channel})


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the whole run; tests take fresh databases on it."""
    from tests.support.postgres import postgres_url

    yield from postgres_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The bot's database on each engine it runs on: the same code, only the URL differs."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    from tests.support.postgres import fresh_database

    return fresh_database(request.getfixturevalue("pg_server"))


@pytest.fixture(scope="session")
def model() -> Path:
    """Trained once per run (or reused when config, domain and data are unchanged)."""
    return ensure_model(Settings(), allow_training=True, echo=False)


@pytest.fixture(scope="session")
def embedded_stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # The chat and the portal also serve a page of another site that embeds the widget
    # (tests/portal/test_widget_pushed.py: host_site).
    host_site = f"http://127.0.0.1:{free_port()}"
    # stream_keepalive_s: a widget whose event stream went silent notices within seconds, not 37 s.
    settings = stack_settings(tmp_path_factory.mktemp("stack-var"), cors_origins=host_site, stream_keepalive_s=1.0)
    running = Stack(settings, model)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def stack(embedded_stack: Stack) -> Stack:
    """The embedded default (tests/conversation runs its tests on the cluster profile as well)."""
    return embedded_stack


@pytest.fixture(scope="session")
def cluster(model: Path) -> Iterator[Any]:
    """The cluster profile: PostgreSQL, Redis, 2 Rasa and 2 action servers behind nginx."""
    from tests.support.cluster import running_cluster

    yield from running_cluster(model)


class Chat:
    """One conversation over the REST channel, as a web widget holds it: a session first."""

    def __init__(self, stack: Stack, identity_token: Optional[str] = None, channel: str = "web",
                 session: Optional[Dict[str, Any]] = None) -> None:
        self.url = f"{stack.settings.rasa_url}/webhooks/rest/webhook"
        session = session or open_session(stack.settings.rasa_url, identity_token, channel)
        self.sender, self.token = session["conversation_id"], session["session_token"]
        self.metadata: Dict[str, Any] = {"channel": channel}
        self.last: List[Dict[str, Any]] = []
        self.history: List[Dict[str, Any]] = []

    def send(self, message: Any) -> List[Dict[str, Any]]:
        self.last = post_json(self.url, {"sender": self.sender, "message": message, "metadata": self.metadata},
                              self.token)
        # Every turn of every conversation test is checked against the message contract.
        errors = [e.message for e in CONTRACT.iter_errors(self.last)]
        assert errors == [], f"contract violations in {self.last}"
        self.history.extend(self.last)
        return self.last

    def custom(self, kind: str, everything: bool = False) -> Optional[Dict[str, Any]]:
        """The last `custom` of this type in the last turn (or in the whole conversation)."""
        messages = self.history if everything else self.last
        return next((m["custom"] for m in reversed(messages) if (m.get("custom") or {}).get("type") == kind), None)

    def texts(self) -> str:
        return "\n".join(m.get("text", "") for m in self.last)

    def press(self, title_part: str) -> List[Dict[str, Any]]:
        for message in self.last:
            for button in message.get("buttons") or []:
                if title_part in button["title"]:
                    return self.send(button["payload"])
        raise AssertionError(f"no button containing {title_part!r} in {self.last}")


@pytest.fixture
def chat(stack: Stack) -> Chat:
    return Chat(stack)
