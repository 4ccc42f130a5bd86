"""Desk fixtures: an in-process desk on a throwaway SQLite database (the same code the portal
runs, no HTTP), staff accounts, and the conversation steps a citizen takes to reach it."""

from __future__ import annotations

import asyncio
import re
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests

from bot.db import Database
from bot.desk.accounts import Accounts, Staff
from bot.desk.desk import Desk
from bot.desk.rules import desk_rules
from bot.dialogue.delivery import Delivery
from bot.dialogue.handler import Dialogue
from bot.dialogue.services import Services
from bot.dialogue.store import ConversationStore
from bot.engine import Engine
from bot.identity.demo import DemoIdentityProvider
from bot.sealing import Sealer
from bot.secrets import with_secrets
from bot.settings import ROOT, Settings
from bot.sms import SmsResult
from tests.dialogue.talk import RecordingHandoff, incoming

PASSWORD = "correct-horse-battery"


class RecordingSms:
    """The SMS port as the desk sees it, keeping each message (the HTTP adapter and the stand-in
    gateway are tested over HTTP in tests/sms)."""

    def __init__(self) -> None:
        self.sent: List[Dict[str, str]] = []

    async def send(self, phone: str, text: str) -> SmsResult:
        self.sent.append({"phone": phone, "text": text})
        return SmsResult(True, f"rec-{len(self.sent)}")

    async def close(self) -> None:
        return None


class LocalDesk:
    """A desk and a dialogue sharing one database, driven with asyncio.run per step."""

    def __init__(self, engine: Engine, db_path: Path) -> None:
        self.db = Database(f"sqlite:///{db_path}")
        self.db.create_schema()
        self.settings = Settings(var_dir=db_path.parent, desk_agent_timeout_s=5.0)
        self.now = time.time()  # moved by tests; ratings are stamped with the real clock
        self.desk = Desk(self.settings, self.db, desk_rules(ROOT / "rules"), engine.catalogue.messages,
                         clock=lambda: self.now)
        self.handoff = RecordingHandoff()
        services = Services(engine=engine, identity=DemoIdentityProvider.from_file(), handoff=self.handoff,
                            ratings=self.desk.ratings, desk=self.desk.queue)
        self.desk.dialogue = Dialogue(services, ConversationStore(self.db, Sealer.generated()))
        self.desk.delivery = Delivery(self.desk.dialogue.store)
        self.sms = RecordingSms()
        self.desk.sms = self.sms

    def run(self, coroutine: Any) -> Any:
        return asyncio.run(coroutine)

    def staff(self, login: str = "", role: str = "agent", capacity: int = 3) -> Staff:
        accounts = Accounts(self.db, clock=lambda: self.now)
        made = accounts.add_sync(login or f"agent-{uuid.uuid4().hex[:6]}", "坐席", PASSWORD, role=role,
                                 capacity=capacity)
        self.run(accounts.set_presence(made.staff_id, "online"))
        return made

    def say(self, sender: str, text: str, intent: str | None = None) -> List[Any]:
        return self.run(self.desk.dialogue.handle(incoming(text, intent, sender))).says

    def citizen_waiting(self, bundle_id: str = "newborn") -> str:
        """A web citizen part-way through a questionnaire who asked for a human."""
        sender = f"web-{uuid.uuid4().hex[:10]}"
        self.say(sender, f'/choose_bundle{{"bundle_id":"{bundle_id}"}}')
        self.say(sender, "转人工", "ask_human")
        return sender

    def lines(self, sender: str) -> List[Any]:
        return self.run(self.desk.store.transcript(sender))


@pytest.fixture
def local(engine: Engine, tmp_path: Path) -> LocalDesk:
    return LocalDesk(engine, tmp_path / "bot.db")


# -- a real portal process (the desk's HTTP side), no Rasa needed ---------------------------------

class DeskPortal:
    """`python -m bot.portal` on free ports with its own var dir; staff accounts made directly in
    its database (as `python -m bot desk add-agent` does)."""

    def __init__(self, var_dir: Path) -> None:
        from bot.launcher.process import Process, free_port
        from bot.launcher.stack import child_env

        # With this installation's secrets: the portal process reads the same var/secrets.json.
        self.settings = with_secrets(Settings(var_dir=var_dir, portal_port=free_port(), rasa_port=free_port(),
                                              action_port=free_port(), intake_port=free_port(),
                                              desk_agent_timeout_s=5.0))
        self.url = self.settings.portal_url
        self.process = Process("portal", [sys.executable, "-m", "bot.portal"], f"{self.url}/health",
                               env=child_env(self.settings), cwd=ROOT, log_path=var_dir / "portal.log")
        self.db = Database(self.settings.db_url)

    def staff(self, role: str = "agent", capacity: int = 3) -> Staff:
        self.db.create_schema()
        return Accounts(self.db).add_sync(f"{role}-{uuid.uuid4().hex[:6]}", "坐席", PASSWORD, role=role,
                                          capacity=capacity)

    def session(self, who: Staff) -> StaffSession:
        return StaffSession(self.url, who.login)


class StaffSession:
    """A signed-in browser as far as HTTP goes: the session cookie and the page's CSRF token."""

    def __init__(self, url: str, login: str, password: str = PASSWORD) -> None:
        self.url = url
        self.http = requests.Session()
        form = self.http.get(f"{url}/desk/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        self.http.post(f"{url}/desk/login", data={"csrf": csrf, "login": login, "password": password})
        page = self.http.get(f"{url}/desk").text
        found = re.search(r'name="desk-csrf" content="([^"]+)"', page)
        self.csrf = found.group(1) if found else ""

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.url}/desk/api{path}")

    def post(self, path: str, body: Dict[str, Any] | None = None) -> requests.Response:
        return self.http.post(f"{self.url}/desk/api{path}", json=body or {}, headers={"X-CSRF-Token": self.csrf})


@pytest.fixture(scope="session")
def desk_portal(tmp_path_factory: pytest.TempPathFactory):
    portal = DeskPortal(tmp_path_factory.mktemp("desk-portal"))
    portal.process.start()
    try:
        portal.process.wait_healthy(90)
        yield portal
    finally:
        portal.process.stop()


def stack_staff(stack, role: str = "agent", capacity: int = 3) -> Staff:
    """An account in the running stack's database, as `python -m bot desk add-agent` makes one."""
    db = Database(stack.settings.db_url)
    try:
        return Accounts(db).add_sync(f"{role}-{uuid.uuid4().hex[:6]}", "坐席", PASSWORD, role=role,
                                     capacity=capacity)
    finally:
        db.close()
