"""The WeChat channel (`/webhooks/wechat/webhook`): the mini-program's customer-service messages,
pushed by WeChat, answered through the send API.

WeChat waits 5 seconds for an answer to a push, then retries (three times in all), and shows the
person an error for any answer but `success`. So a genuine push is answered `success` as soon
as its signature, appid and ciphertext check out, and handled afterwards: deduplicated (shared by
processes), then a text goes to the bot, entering the session gets the greeting once per
session, anything else a polite "text only". The bot's turn, rendered for a channel without
buttons, goes out through bot/wechat/outbox.py. The person is the openid; the conversation id is
derived from it and is all that is logged."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Set

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import stop_signals
from bot.channels.inbound import EMPTY, Inbound
from bot.channels.rest import ContractCollector
from bot.dialogue.store import ConversationStore, Mode
from bot.settings import get_settings
from bot.wechat.config import WeChatConfig, wechat_config
from bot.wechat.protocol import Push, PushReader, PushRefused
from bot.wechat.render import ENTRY_BUDGET, TURN_BUDGET, choice_for
from bot.wechat.service import WeChat, build_wechat

logger = logging.getLogger(__name__)
GREETING = "/greet"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class WeChatInput(InputChannel):
    """Registered in credentials.yml as `bot.channels.wechat.WeChatInput`; its settings are
    BOT_WECHAT_* (bot/settings.py), so credentials.yml holds no secret."""

    @classmethod
    def name(cls) -> str:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> WeChatInput:
        return cls(wechat_config())

    def __init__(self, config: WeChatConfig) -> None:
        self.config = config
        self.reader = PushReader(config) if config.enabled else None
        self.inbound = Inbound()
        self.wechat: Optional[WeChat] = None
        self.store: Optional[ConversationStore] = None
        self._tasks: Set[asyncio.Task] = set()
        self._locks: Dict[str, asyncio.Lock] = {}
        self._holders: Dict[str, int] = {}  # pushes of a conversation being handled here
        if config.enabled:
            logger.info("WeChat channel on: %s mode, API %s", config.mode, config.api_base)
        else:
            logger.warning("WeChat channel off: %s", config.off_reason)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint("wechat_webhook", __name__)
        stop_signals.stop_on_signals(hook)  # whichever of our channels the server has

        @hook.listener("before_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            if self.reader is not None:
                self.wechat = build_wechat(get_settings())
                self.store = ConversationStore(self.wechat.db, self.wechat.sealer)
                self.wechat.sender.start()  # replies left pending by any process are retried

        @hook.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            if self.wechat is not None:
                await self.wechat.sender.stop()

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if self.reader is None:
                return response.json({"status": "off", "reason": self.config.off_reason})
            return response.json({"status": "ok", "mode": self.config.mode})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if self.reader is None:
                return response.text("the WeChat channel is off", status=404)
            try:
                echostr = self.reader.verify_url(_query(request))
            except PushRefused as refused:
                logger.warning("WeChat URL verification refused from %s: %s", request.ip, refused.reason)
                return response.text("refused", status=refused.status)
            return response.text(echostr, headers={"X-Content-Type-Options": "nosniff"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.reader is None or self.wechat is None:
                return response.text("the WeChat channel is off", status=404)
            try:
                push = self.reader.read(_query(request), request.body or b"", request.headers.get("content-type", ""))
            except PushRefused as refused:
                logger.warning("WeChat push refused from %s: %s", request.ip, refused.reason)
                return response.text("refused", status=refused.status)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is not None and agent.domain is not None:
                self.inbound.learn_intents(agent.domain.intents)
            # Answer now, work afterwards: WeChat retries anything not answered within 5 s.
            task = asyncio.get_running_loop().create_task(self._handle(push, on_new_message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return response.text("success")

        return hook

    # -- after the answer ---------------------------------------------------------------------------

    async def _handle(self, push: Push, on_new_message: OnNewMessage) -> None:
        wechat = self.wechat
        assert wechat is not None
        conversation_id = wechat.users.conversation_id(push.openid)
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        self._holders[conversation_id] = self._holders.get(conversation_id, 0) + 1
        try:
            async with lock:  # one person's messages in the order WeChat pushed them
                if not await wechat.ledger.first_time(push.dedupe_key(conversation_id)):
                    logger.info("WeChat retry of a push for %s dropped", conversation_id[:12])
                    return
                arrival = await wechat.users.arrived(push.openid, entering=push.enters_session,
                                                     session_from=push.session_from)
                if push.enters_session:
                    if arrival.greet and await self._with_the_bot(conversation_id):
                        await self._turn(conversation_id, GREETING, on_new_message, ENTRY_BUDGET)
                elif push.is_text:
                    typing = asyncio.get_running_loop().create_task(wechat.sender.typing(conversation_id))
                    self._tasks.add(typing)
                    typing.add_done_callback(self._tasks.discard)
                    await self._turn(conversation_id, push.content, on_new_message, TURN_BUDGET)
                elif push.msg_type != "event":
                    await wechat.sender.send_now(conversation_id, wechat.renderer.text_only_notice())
        except Exception:  # noqa: BLE001 - WeChat already has its `success`; the log says what broke
            logger.exception("WeChat push for %s could not be handled", conversation_id[:12])
        finally:
            self._holders[conversation_id] -= 1
            if not self._holders[conversation_id]:
                del self._holders[conversation_id], self._locks[conversation_id]

    async def _with_the_bot(self, conversation_id: str) -> bool:
        """False while the conversation waits for or talks with a person (转人工 in the
        mini-program opens this chat): a greeting turn would hand it back to the bot."""
        assert self.store is not None
        conversation = await self.store.find(conversation_id)
        return conversation is None or conversation.mode is Mode.BOT

    async def _turn(self, conversation_id: str, content: str, on_new_message: OnNewMessage, budget: int) -> None:
        wechat, store = self.wechat, self.store
        assert wechat is not None and store is not None
        text, truncated = self.inbound.text_of(content)
        if text != EMPTY and not text.startswith("/"):
            conversation = await store.find(conversation_id)
            text = (choice_for(text, conversation.offered) if conversation else None) or text
        metadata: Dict[str, Any] = {"channel": "wechat"}
        token = await wechat.users.identity_token(conversation_id)
        if token:
            metadata["identity_token"] = token
        collector = ContractCollector()
        try:
            await on_new_message(UserMessage(text, collector, conversation_id, input_channel=self.name(),
                                             metadata=metadata))
            messages = collector.messages
        except Exception:  # noqa: BLE001 - the person gets an apology, never silence
            logger.exception("WeChat turn failed for %s", conversation_id[:12])
            messages = [{"text": self.inbound.notice("default")}]
        if truncated:
            messages = [{"text": self.inbound.notice("message_truncated")}] + messages
        bodies = wechat.renderer.turn(messages, budget, wechat.card_url(conversation_id))
        await wechat.sender.send_now(conversation_id, bodies)


def _query(request: Request) -> Dict[str, str]:
    return {key: request.args.get(key, "") for key in request.args}
