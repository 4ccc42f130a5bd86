"""`python -m bot.handoff`: run the outbox worker alone (ops, tests); --once for one round."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from bot.handoff.client import HandoffClient
from bot.handoff.retry import RetryPolicy
from bot.handoff.worker import OutboxWorker
from bot.privacy import configure_logging
from bot.profile import settings_or_exit

logger = logging.getLogger("bot.handoff")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.handoff", description=__doc__)
    parser.add_argument("--poll-interval", type=float, default=2.0, help="seconds between rounds")
    parser.add_argument("--max-delay", type=float, default=RetryPolicy.max_delay_s,
                        help="longest wait before retrying a queued application, seconds")
    parser.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    return parser.parse_args()


async def _serve(args: argparse.Namespace) -> None:
    settings = settings_or_exit()
    client = HandoffClient.from_settings(settings, RetryPolicy(max_delay_s=args.max_delay))
    worker = OutboxWorker(client, args.poll_interval)
    try:
        if args.once:
            logger.info("delivered %d application(s)", await worker.run_once())
            return
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        await worker.start()
        logger.info("outbox worker → %s", settings.intake_base_url)
        await stopping.wait()
        await worker.stop()
    finally:
        await client.close()


def main() -> None:
    configure_logging(settings_or_exit().log_level)
    asyncio.run(_serve(_arguments()))


if __name__ == "__main__":
    main()
