"""What the bot tells a person without being asked: a queued application that reached the
department, with its final receipt number."""

from __future__ import annotations

from typing import Dict

from bot.dialogue.delivery import Delivery
from bot.dialogue.messages import application_custom
from bot.handoff.outbox import OutboxItem


async def announce_delivered(delivery: Delivery, messages: Dict[str, str], item: OutboxItem) -> bool:
    if not item.conversation_id:
        return False
    created = item.created()
    receipt = {
        "application_id": created.application_id,
        "receipt_no": created.receipt_no,
        "status": "submitted",
        "bundle_id": item.bundle_id,
        "next_steps": [step.text for step in created.next_steps],
    }
    text = messages.get("application_delivered", "").format(
        provisional_ref=item.provisional_ref, receipt_no=created.receipt_no
    )
    return await delivery.push(item.conversation_id, [{"text": text, "custom": application_custom(receipt)}])
