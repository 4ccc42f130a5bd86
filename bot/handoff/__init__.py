"""The bot's side of the hand-off: submit applications through a durable outbox, ask status."""

from bot.handoff.client import HandoffClient
from bot.handoff.draft import ApplicationDraft, applicant_from_identity
from bot.handoff.receipt import Receipt, StatusReport
from bot.handoff.retry import RetryPolicy
from bot.handoff.worker import OutboxWorker

__all__ = [
    "ApplicationDraft",
    "HandoffClient",
    "OutboxWorker",
    "Receipt",
    "RetryPolicy",
    "StatusReport",
    "applicant_from_identity",
]
