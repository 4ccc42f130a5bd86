"""The WeChat parts one process needs, built once from settings: the API client on the configured
base, the shared access token, the reply outbox, the people and the renderer."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, Optional

from bot.catalogue.loader import load_messages
from bot.db import Database, open_database
from bot.sealing import Sealer
from bot.settings import Settings, get_settings
from bot.wechat.cards import card_url
from bot.wechat.client import WeChatApi
from bot.wechat.config import WeChatConfig, wechat_config
from bot.wechat.identity import WeChatUsers
from bot.wechat.outbox import WeChatSender
from bot.wechat.pushes import PushLedger
from bot.wechat.render import Renderer
from bot.wechat.tokens import AccessTokens


@dataclass
class WeChat:
    config: WeChatConfig
    db: Database
    api: WeChatApi
    tokens: AccessTokens
    sender: WeChatSender
    users: WeChatUsers
    ledger: PushLedger
    renderer: Renderer
    portal_url: str
    pool: Executor
    sealer: Sealer

    def card_url(self, conversation_id: str) -> str:
        return card_url(self.portal_url, self.config.id_key, conversation_id)

    async def exchange_code(self, code: str) -> Dict[str, Any]:
        """jscode2session for a `wx.login()` code, on the thread pool."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, self.api.code_to_session, code)


def build_wechat(settings: Optional[Settings] = None, db: Optional[Database] = None,
                 sealer: Optional[Sealer] = None) -> Optional[WeChat]:
    """None when the channel is off (its settings are missing in production). `settings` carry
    the installation's secrets (get_settings() does): the data keys seal what is stored."""
    settings = settings or get_settings()
    config = wechat_config(settings)
    if not config.enabled:
        return None
    db = db or open_database(settings.db_url)
    sealer = sealer or Sealer.from_settings(settings)
    api = WeChatApi(config.appid, config.secret, config.api_base)
    # wechatpy is blocking (requests): its calls run on these threads, never on the event loop.
    pool = ThreadPoolExecutor(4, thread_name_prefix="wechat")
    tokens = AccessTokens(db, config.appid, api.fetch_token, pool)
    sender = WeChatSender(db, api, tokens, pool, sealer)
    return WeChat(config=config, db=db, api=api, tokens=tokens, sender=sender, users=WeChatUsers(db, config, sealer),
                  ledger=PushLedger(db), renderer=Renderer(load_messages(settings.rules_dir)),
                  portal_url=settings.portal_url, pool=pool, sealer=sealer)
