"""Who is behind a WeChat conversation: the conversation id derived from the openid (an HMAC, so
the openid is never shown or logged), the openid kept for the send API, session entry for the
greeting, and the sign-in hook that gives a signed-in person prefill and 免提交.

The sign-in hook: the mini-program's login (built with the mini-program) exchanges `wx.login()`'s
code for the openid (`WeChatApi.code_to_session`) and calls `bind_identity(openid, token)` with
the identity token of the person's real-name sign-in; from then on every message of that
conversation carries the token, exactly as the web widget's metadata does."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.tables import wechat_identities, wechat_users
from bot.sealing import Sealer
from bot.wechat.config import WeChatConfig

_user, _ident = wechat_users.c, wechat_identities.c

# A person who comes back after this long without writing is in a new session and is greeted
# again; entering twice within it (leaving the chat and coming back) is greeted once.
SESSION_GAP_S = 30 * 60.0


def conversation_id_for(config: WeChatConfig, openid: str) -> str:
    digest = hmac.new(config.id_key, f"{config.appid}:{openid}".encode(), hashlib.sha256).hexdigest()
    return f"wx-{digest[:40]}"


@dataclass(frozen=True)
class Arrival:
    conversation_id: str
    greet: bool  # entering the session, and not greeted in this session yet


class WeChatUsers:
    """The openid and the identity token are sealed at rest; rows are found by conversation id."""

    def __init__(self, db: Database, config: WeChatConfig, sealer: Sealer) -> None:
        self.db = db
        self.config = config
        self.sealer = sealer

    def conversation_id(self, openid: str) -> str:
        return conversation_id_for(self.config, openid)

    async def arrived(self, openid: str, entering: bool, session_from: str = "") -> Arrival:
        """Record a message or a session entry; on entry, say whether to greet."""
        conversation_id = self.conversation_id(openid)
        entry = {"session_from": session_from[:128] or None} if entering else {}

        def work(conn: Connection) -> bool:
            now = time.time()
            row = conn.execute(select(_user.last_inbound_at, _user.greeted_at)
                               .where(_user.conversation_id == conversation_id)).first()
            if row is None:
                conn.execute(wechat_users.insert().values(
                    conversation_id=conversation_id, openid=self.sealer.seal(openid), created_at=now,
                    last_inbound_at=now, greeted_at=now if entering else None, **entry))
                return entering
            last_seen = max(row.last_inbound_at or 0.0, row.greeted_at or 0.0)
            greet = entering and (row.greeted_at is None or now - last_seen > SESSION_GAP_S)
            values = {"last_inbound_at": now, **entry, **({"greeted_at": now} if greet else {})}
            conn.execute(wechat_users.update().where(_user.conversation_id == conversation_id).values(**values))
            return greet

        try:
            greet = await self.db.run(work, writer=True)
        except IntegrityError:  # another process inserted the same person a moment ago
            greet = await self.db.run(work, writer=True)
        return Arrival(conversation_id, greet)

    async def openid_of(self, conversation_id: str) -> Optional[str]:
        query = select(_user.openid).where(_user.conversation_id == conversation_id)
        return self.sealer.open(await self.db.run(lambda conn: conn.execute(query).scalar()))

    async def identity_token(self, conversation_id: str) -> Optional[str]:
        def work(conn: Connection) -> Optional[str]:
            row = conn.execute(select(_ident.identity_token, _ident.expires_at)
                               .where(_ident.conversation_id == conversation_id)).first()
            if row is None or (row.expires_at is not None and row.expires_at < time.time()):
                return None
            return self.sealer.open(row.identity_token)

        return await self.db.run(work)

    async def bind_identity(self, openid: str, identity_token: str, expires_at: Optional[float] = None) -> str:
        """The sign-in hook: the person behind `openid` is signed in as `identity_token`."""
        conversation_id = self.conversation_id(openid)

        def work(conn: Connection) -> None:
            now = time.time()
            known = conn.execute(select(_user.conversation_id).where(_user.conversation_id == conversation_id)).first()
            if known is None:
                conn.execute(wechat_users.insert().values(conversation_id=conversation_id,
                                                          openid=self.sealer.seal(openid), created_at=now))
            values = {"identity_token": self.sealer.seal(identity_token[:256]), "expires_at": expires_at,
                      "updated_at": now}
            updated = conn.execute(wechat_identities.update()
                                   .where(_ident.conversation_id == conversation_id).values(**values)).rowcount
            if not updated:
                conn.execute(wechat_identities.insert().values(conversation_id=conversation_id, **values))

        await self.db.run(work, writer=True)
        return conversation_id

    async def forget_identity(self, openid: str) -> None:
        """Signed out: the conversation carries on anonymously."""
        conversation_id = self.conversation_id(openid)
        await self.db.run(lambda conn: conn.execute(
            wechat_identities.delete().where(_ident.conversation_id == conversation_id)), writer=True)


class SignInFailed(RuntimeError):
    """WeChat did not accept the login code (expired, used twice, rate limited)."""


async def sign_in(users: WeChatUsers, exchange_code, code: str, identity_token: str) -> str:
    """The mini-program's login: `wx.login()` gave `code`; WeChat's jscode2session (via
    `exchange_code(code)`, e.g. WeChatApi.code_to_session on its thread pool) names the openid,
    which is then bound to the person's identity token. Returns the conversation id. The
    session_key WeChat also returns never leaves this function."""
    return await users.bind_identity(await openid_for(exchange_code, code), identity_token)


async def sign_out(users: WeChatUsers, exchange_code, code: str) -> None:
    await users.forget_identity(await openid_for(exchange_code, code))


async def openid_for(exchange_code, code: str) -> str:
    try:
        result = await exchange_code(code)
    except Exception as error:  # noqa: BLE001 - WeChatApiError and friends: the caller says "try again"
        raise SignInFailed(str(error)) from None
    openid = result.get("openid") if isinstance(result, dict) else None
    if not isinstance(openid, str) or not openid:
        raise SignInFailed("jscode2session answered without an openid")
    return openid
