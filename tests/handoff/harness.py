"""Drive a HandoffClient from synchronous tests: one event loop per call, like one bot turn."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

from bot.db import open_database
from bot.handoff.api import IntakeApi
from bot.handoff.client import HandoffClient
from bot.handoff.draft import ApplicationDraft
from bot.handoff.outbox import Outbox
from bot.handoff.receipt import Receipt, StatusReport
from bot.handoff.retry import RetryPolicy
from bot.launcher.process import free_port
from bot.sealing import Sealer
from bot.secrets import with_secrets
from bot.settings import Settings
from tests.intake.payloads import newborn_application
from tests.intake.server import TOKEN

T = TypeVar("T")

# Quick retries so that a test with the API down takes a fraction of a second.
FAST = RetryPolicy(attempts=3, timeout_s=3.0, base_delay_s=0.05, max_delay_s=0.2, lease_s=10.0)


def nowhere() -> str:
    """A URL where nothing listens: the API is down."""
    return f"http://127.0.0.1:{free_port()}"


def draft(**changes: Any) -> ApplicationDraft:
    return ApplicationDraft.parse_obj(newborn_application(**changes))


class SyncOutbox:
    """The outbox's calls, each run to completion from a synchronous test."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def __getattr__(self, name: str) -> Callable[..., Any]:
        call = getattr(self.outbox, name)
        return lambda *args, **kwargs: asyncio.run(call(*args, **kwargs))


def outbox_at(path: Path) -> Outbox:
    """The outbox in the database file at `path`, sealed with the keys of the installation whose
    var/ holds it (a worker process started on the same var/ reads what the test wrote)."""
    settings = with_secrets(Settings(var_dir=path.parent))
    return Outbox(open_database(f"sqlite:///{path}", durable=True), Sealer.from_settings(settings))


@dataclass
class Harness:
    base_url: str
    outbox_path: Path
    token: str = TOKEN
    retry: RetryPolicy = FAST

    @property
    def outbox(self) -> SyncOutbox:
        return SyncOutbox(outbox_at(self.outbox_path))

    @property
    def async_outbox(self) -> Outbox:
        return outbox_at(self.outbox_path)

    def pointed_at(self, base_url: str, token: str = TOKEN) -> Harness:
        """The same outbox file, another API address or token."""
        return Harness(base_url, self.outbox_path, token, self.retry)

    def run(self, action: Callable[[HandoffClient], Awaitable[T]]) -> T:
        async def main() -> T:
            api = IntakeApi(self.base_url, self.token, self.retry.timeout_s)
            client = HandoffClient(api, outbox_at(self.outbox_path), self.retry)
            try:
                return await action(client)
            finally:
                await client.close()

        return asyncio.run(main())

    def submit(self, application: ApplicationDraft) -> Receipt:
        return self.run(lambda client: client.submit(application))

    def status(self, reference: str) -> StatusReport:
        return self.run(lambda client: client.status(reference))

    def deliver_due(self) -> int:
        return self.run(lambda client: client.deliver_due())
