"""The outbox worker: queued applications are delivered later, across restarts, exactly once."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot.handoff.client import HandoffClient
from bot.handoff.receipt import Receipt, StatusReport
from bot.handoff.worker import OutboxWorker
from bot.launcher.process import Process, free_port
from bot.settings import ROOT
from tests.handoff.harness import FAST, Harness, draft
from tests.intake.server import TOKEN, IntakeServer


def worker_process(root: Path, api_url: str, name: str) -> Process:
    """`python -m bot.handoff` as the bot process would run it, with the test's outbox."""
    return Process(
        name=name,
        argv=[sys.executable, "-m", "bot.handoff", "--poll-interval", "0.1", "--max-delay", "0.3"],
        health_url="",  # no HTTP side: the outbox file shows what it did
        env={"BOT_VAR_DIR": str(root / "var"), "BOT_INTAKE_URL": api_url,
             "BOT_INTAKE_TOKEN": TOKEN},
        cwd=ROOT,
        log_path=root / f"{name}.log",
    )


def wait_for(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.1)


@dataclass
class Restart:
    queued: Receipt
    attempts_while_down: int
    pending_after_first_worker: int
    rows_after_delivery: int
    rows_after_resubmit: int
    resubmitted: Receipt
    status: StatusReport


@pytest.fixture(scope="module")
def restart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Restart]:
    """API down → queued receipt; a worker process runs and is stopped while the API is still
    down; the API starts; a new worker process delivers; the bot submits the same draft again."""
    root = tmp_path_factory.mktemp("restart")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}"
    bot = Harness(api_url, root / "var" / "bot.db")
    application = draft()
    queued = bot.submit(application)

    first = worker_process(root, api_url, "worker-1")
    first.start()
    wait_for(lambda: bot.outbox.get(application.idempotency_key).attempts > FAST.attempts)  # type: ignore
    first.stop()
    attempts_while_down = bot.outbox.get(application.idempotency_key).attempts  # type: ignore
    pending_after_first_worker = bot.outbox.count("pending")

    server = IntakeServer(root / "intake", port=port).start()
    second = worker_process(root, api_url, "worker-2")
    second.start()
    try:
        wait_for(lambda: bot.outbox.count("delivered") == 1)
    finally:
        second.stop()
    rows_after_delivery = server.count_applications()
    resubmitted = bot.submit(application)
    yield Restart(
        queued=queued,
        attempts_while_down=attempts_while_down,
        pending_after_first_worker=pending_after_first_worker,
        rows_after_delivery=rows_after_delivery,
        rows_after_resubmit=server.count_applications(),
        resubmitted=resubmitted,
        status=bot.status(queued.receipt_no),
    )
    server.stop()


def test_the_citizen_first_got_a_queued_receipt(restart: Restart) -> None:
    assert restart.queued.status == "queued"


def test_the_first_worker_kept_trying_while_the_api_was_down(restart: Restart) -> None:
    assert restart.attempts_while_down > FAST.attempts


def test_the_application_survived_the_worker_restart(restart: Restart) -> None:
    assert restart.pending_after_first_worker == 1


def test_the_restarted_worker_delivered_it_exactly_once(restart: Restart) -> None:
    assert restart.rows_after_delivery == 1


def test_submitting_the_same_draft_after_delivery_files_nothing_new(restart: Restart) -> None:
    assert restart.rows_after_resubmit == 1


def test_submitting_it_again_returns_the_real_receipt(restart: Restart) -> None:
    assert restart.resubmitted.receipt_no == restart.status.receipt_no


def test_the_provisional_reference_now_answers_with_the_real_status(restart: Restart) -> None:
    assert (restart.status.status, restart.status.provisional_ref) == (
        "submitted", restart.queued.receipt_no
    )


def test_an_item_sent_just_before_a_crash_is_not_filed_twice(
    bot_api_down: Harness, intake: IntakeServer
) -> None:
    application = draft()
    bot_api_down.submit(application)
    body = bot_api_down.outbox.get(application.idempotency_key).body  # type: ignore
    # The POST reached the API, then the bot died before writing down the answer.
    intake.request("POST", "/applications", json.loads(body))
    before = intake.count_applications()
    time.sleep(FAST.max_delay_s)
    bot_api_down.pointed_at(intake.url).deliver_due()
    assert intake.count_applications() == before


def test_two_workers_at_once_deliver_one_application(
    bot_api_down: Harness, intake: IntakeServer
) -> None:
    bot_api_down.submit(draft())
    before = intake.count_applications()
    time.sleep(FAST.max_delay_s)
    back_up = bot_api_down.pointed_at(intake.url)

    async def two_workers(client: HandoffClient) -> None:
        other = HandoffClient(client.api, back_up.async_outbox, client.retry)
        await asyncio.gather(client.deliver_due(), other.deliver_due())

    back_up.run(two_workers)
    assert intake.count_applications() == before + 1


def test_the_worker_task_delivers_in_the_background(
    bot_api_down: Harness, intake: IntakeServer
) -> None:
    bot_api_down.submit(draft())

    async def run_worker(client: HandoffClient) -> int:
        worker = OutboxWorker(client, poll_interval_s=0.05)
        await worker.start()
        for _ in range(100):
            if await client.outbox.count("delivered"):
                break
            await asyncio.sleep(0.05)
        await worker.stop()
        return await client.outbox.count("delivered")

    assert bot_api_down.pointed_at(intake.url).run(run_worker) == 1


def test_a_stopped_worker_is_no_longer_running(bot: Harness) -> None:
    async def start_and_stop(client: HandoffClient) -> bool:
        worker = OutboxWorker(client, poll_interval_s=0.05)
        await worker.start()
        await worker.stop()
        return worker.running

    assert bot.run(start_and_stop) is False
