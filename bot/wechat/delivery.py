"""The WeChat adapter of Delivery (bot/dialogue/delivery.py): a message that reaches a WeChat
user outside a reply (an application delivered later, an agent's words) goes out through the
send API, rendered and queued like a reply."""

from __future__ import annotations

from typing import List

from bot.dialogue.store import Line
from bot.wechat.render import ENTRY_BUDGET
from bot.wechat.service import WeChat


class WeChatDelivery:
    def __init__(self, wechat: WeChat) -> None:
        self.wechat = wechat

    async def send(self, conversation_id: str, lines: List[Line]) -> None:
        # Outside a reply the quota is what the person's last message left: keep pushes short.
        bodies = self.wechat.renderer.turn([line.message() for line in lines], ENTRY_BUDGET,
                                           self.wechat.card_url(conversation_id))
        await self.wechat.sender.send_now(conversation_id, bodies)
